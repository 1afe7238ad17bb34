// lectern question import | export: a course's question bank as GIFT. Every question's outcome
// is printed; a file with errors saves nothing (exit 1) unless --skip-bad; --dry-run saves
// nothing; the export imports back into another course as the same questions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from '../lib/cli.mjs';

// A data directory with two courses.
function withCourses(t) {
  const { lectern, file } = setup(t, 'question');
  lectern(['course', 'import', file('courses.csv', 'shortname,fullname\nQ-101,Quiz course\nQ-102,Copy course\n')], 0);
  return { lectern, file };
}

const GOOD = `// fire safety
$CATEGORY: Safety/Fire

::Exits::Where is the nearest exit? {=Left ~Right ~Behind you}

::Alarm::The fire alarm is red. {T}

$CATEGORY: Safety/First aid

::Rate::How many compressions a minute? {#110:10}

::Explain::Explain what you would do first. {}
`;

const BAD = `::One::First question {=yes ~no}

::Broken::Nothing is right here {~a ~b}

::Three::Third question {T}
`;

// The questions a course's export holds, as "title" lines (the export's own order).
function titles(gift) {
  return [...gift.matchAll(/^::((?:[^:\\]|\\.)*)::/gm)].map((m) => m[1]);
}

test('a good file: every question printed, all saved, exported', (t) => {
  const { lectern, file } = withCourses(t);
  const r = lectern(['question', 'import', 'Q-101', file('good.gift', GOOD)], 0);
  assert.match(r.stdout, /^line 4: ok {2}single {2}Exits$/m);
  assert.match(r.stdout, /^line 6: ok {2}truefalse {2}Alarm$/m);
  assert.match(r.stdout, /^line 10: ok {2}numerical {2}Rate$/m);
  assert.match(r.stdout, /^line 12: ok {2}essay {2}Explain$/m);
  assert.match(r.stdout, /4 questions ok, 0 with errors; saved/);
  const out = lectern(['question', 'export', 'Q-101'], 0).stdout;
  assert.deepEqual(titles(out).sort(), ['Alarm', 'Exits', 'Explain', 'Rate']);
  assert.match(out, /\$CATEGORY:.*Safety\/Fire/);
  assert.match(out, /\$CATEGORY:.*Safety\/First aid/);
  // The other course's bank is untouched.
  assert.deepEqual(titles(lectern(['question', 'export', 'Q-102'], 0).stdout), []);
});

test('a file with an error: exit 1, the error on its line, nothing saved', (t) => {
  const { lectern, file } = withCourses(t);
  const f = file('bad.gift', BAD);
  const r = lectern(['question', 'import', 'Q-101', f], 1);
  assert.match(r.stdout, /^line 1: ok {2}single {2}One$/m);
  assert.match(r.stdout, /^line 3: error: \S.*$/m);
  assert.match(r.stdout, /^line 5: ok {2}truefalse {2}Three$/m);
  assert.match(r.stdout, /2 questions ok, 1 with errors; nothing saved/);
  assert.deepEqual(titles(lectern(['question', 'export', 'Q-101'], 0).stdout), []);
});

test('--dry-run saves nothing; --skip-bad saves the good questions', (t) => {
  const { lectern, file } = withCourses(t);
  const dry = lectern(['question', 'import', 'Q-101', file('good.gift', GOOD), '--dry-run'], 0);
  assert.match(dry.stdout, /4 questions ok, 0 with errors; nothing saved \(--dry-run\)/);
  assert.deepEqual(titles(lectern(['question', 'export', 'Q-101'], 0).stdout), []);
  // a dry run of a bad file still fails
  lectern(['question', 'import', 'Q-101', file('bad.gift', BAD), '--dry-run'], 1);
  const skip = lectern(['question', 'import', 'Q-101', file('bad2.gift', BAD), '--skip-bad'], 0);
  assert.match(skip.stdout, /^line 3: error: /m);
  assert.match(skip.stdout, /2 questions ok, 1 with errors; the good ones were saved/);
  assert.deepEqual(titles(lectern(['question', 'export', 'Q-101'], 0).stdout).sort(), ['One', 'Three']);
});

test('the export imports back into another course as the same questions', (t) => {
  const { lectern, file } = withCourses(t);
  lectern(['question', 'import', 'Q-101', file('good.gift', GOOD)], 0);
  const first = lectern(['question', 'export', 'Q-101'], 0).stdout;
  const back = lectern(['question', 'import', 'Q-102', '-'], 0, { input: first });
  assert.match(back.stdout, /4 questions ok, 0 with errors; saved/);
  assert.equal(lectern(['question', 'export', 'Q-102'], 0).stdout, first);
});

test('usage and failures', (t) => {
  const { lectern, file } = withCourses(t);
  assert.match(lectern(['question', '--help'], 0).stdout, /usage: lectern question import COURSE_CODE FILE/);
  lectern(['question'], 2);
  lectern(['question', 'import', 'Q-101'], 2);
  lectern(['question', 'import', 'Q-101', 'x.gift', '--sideways'], 2);
  lectern(['question', 'frobnicate'], 2);
  assert.match(lectern(['question', 'import', 'NOPE', file('g.gift', GOOD)], 1).stderr, /no course with the code 'NOPE'/);
  assert.match(lectern(['question', 'export', 'NOPE'], 1).stderr, /no course with the code 'NOPE'/);
  assert.match(lectern(['question', 'import', 'Q-101', '/nonexistent/file.gift'], 1).stderr, /cannot read/);
  assert.match(lectern(['question', 'import', 'Q-101', file('latin1.gift', Buffer.from('::T::Caf\xe9 {T}\n', 'latin1'))], 1).stderr, /UTF-8/);
  assert.match(lectern(['--help'], 0).stdout, /question\s+Import a course's question bank from GIFT, Moodle XML or Aiken/);
  assert.match(lectern(['question', 'import', 'Q-101', file('g.gift', GOOD), '--format', 'qti'], 2).stderr, /--format is gift, moodlexml or aiken, not 'qti'/);
  assert.match(lectern(['question', 'export', 'Q-101', '--format', 'aiken'], 2).stderr, /--format is gift or moodlexml, not 'aiken'/);
});

const MOODLE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Signs</text></category></question>
  <question type="truefalse">
    <name><text>Green means go</text></name>
    <questiontext format="html"><text><![CDATA[<p>A green sign shows the way out.</p>]]></text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="calculatedsimple">
    <name><text>Area</text></name>
  </question>
</quiz>
`;

test('Moodle XML and Aiken files: told by their content, or by --format; export --format moodlexml', (t) => {
  const { lectern, file } = withCourses(t);
  const refused = lectern(['question', 'import', 'Q-101', file('bank.xml', MOODLE_XML)], 1);
  assert.match(refused.stdout, /line 4: ok  truefalse  Green means go/);
  assert.match(refused.stdout, /line 10: error: "Area" is a Moodle calculatedsimple question, a type Lectern does not have/);
  assert.match(refused.stdout, /nothing saved/);
  assert.match(lectern(['question', 'import', 'Q-101', file('bank.xml', MOODLE_XML), '--skip-bad'], 0).stdout, /the good ones were saved/);
  const aiken = file('bank.txt', 'Which way out?\nA. The lift\nB. The stairs\nANSWER: B\n');
  assert.match(lectern(['question', 'import', 'Q-101', aiken, '--format', 'aiken'], 0).stdout, /line 1: ok  single/);
  const xml = lectern(['question', 'export', 'Q-101', '--format', 'moodlexml'], 0).stdout;
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<quiz>/);
  assert.match(xml, /<question type="truefalse">/);
  assert.match(xml, /<question type="multichoice">/);
  const back = lectern(['question', 'import', 'Q-102', '-'], 0, { input: xml });
  assert.match(back.stdout, /2 questions ok, 0 with errors; saved/);
  assert.equal(lectern(['question', 'export', 'Q-102', '--format', 'moodlexml'], 0).stdout, xml);
});
