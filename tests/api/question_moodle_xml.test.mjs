// Moodle XML and Aiken through the API: a Moodle XML file with a picture embedded in a question
// is imported (its format told from the content), the picture reaches the learner's attempt as
// an inline image, unsupported Moodle types are named with their line and stop the import
// unless skip_bad (then the rest is taken), the bank exports as Moodle XML with the picture as a <file>, and an Aiken
// file imports with format=aiken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const COURSE = 'MX-1';
const PW = 'Amber-Falcon-Ridge-24';
// A 1x1 PNG, as Moodle embeds a pasted picture.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

let server;
let admin;
let learner;
let section;

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Signs</text></category></question>
  <question type="multichoice">
    <name><text>Exit sign</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>What does this sign mean? <img src="@@PLUGINFILE@@/exit%20sign.png" alt="a green sign"></p>]]></text>
      <file name="exit sign.png" path="/" encoding="base64">${PNG}</file>
    </questiontext>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p>Emergency <b>exit</b></p>]]></text><feedback format="html"><text>Yes.</text></feedback></answer>
    <answer fraction="0" format="html"><text>No entry</text><feedback format="html"><text>No.</text></feedback></answer>
  </question>
</quiz>
`;

const WITH_CLOZE = XML.replace('</quiz>', `  <question type="multianswer">
    <name><text>Cloze</text></name>
    <questiontext format="html"><text>{1:SHORTANSWER:=x}</text></questiontext>
  </question>
</quiz>`);

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  let r = await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code: COURSE, title: 'Signs', status: 'published' } });
  assert.equal(r.status, 201, show(r));
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'L', roles: ['learner'], password: PW });
  r = await api(server, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { token: admin, body: { username: 'lena', role: 'learner' } });
  assert.equal(r.status, 201, show(r));
  learner = await signIn(server, 'lena', PW);
  r = await api(server, 'POST', `/api/v1/courses/${COURSE}/sections`, { token: admin, body: { title: 'Quiz' } });
  assert.equal(r.status, 201, show(r));
  section = r.json.id;
});
after(async () => { if (server) await server.stop(); });

const importPath = `/api/v1/courses/${COURSE}/questions/import`;

test('an unsupported Moodle type is named with its line and stops the import; skip_bad takes the rest', async () => {
  let r = await api(server, 'POST', importPath, { token: admin, body: { data: WITH_CLOZE, dry_run: true } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.format, 'moodlexml');
  const bad = r.json.questions.find((x) => x.status === 'error');
  assert.equal(bad.title, 'Cloze');
  assert.equal(bad.type, 'multianswer');
  assert.equal(bad.line, WITH_CLOZE.split('\n').findIndex((l) => l.includes('type="multianswer"')) + 1);
  assert.match(bad.error, /Moodle multianswer question, a type Lectern does not have/);
  r = await api(server, 'GET', `/api/v1/courses/${COURSE}/questions`, { token: admin });
  assert.equal(r.json.total, 0, 'nothing saved');
  r = await api(server, 'POST', importPath, { token: admin, body: { data: WITH_CLOZE, dry_run: true, skip_bad: true } });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual([r.json.imported, r.json.errors], [1, 1]);
  r = await api(server, 'POST', importPath, { token: admin, body: { data: 'x', format: 'qti' } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'format');
});

test('a Moodle XML picture reaches the learner as an inline image', async () => {
  let r = await api(server, 'POST', importPath, { token: admin, body: { data: XML } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.format, 'moodlexml');
  assert.equal(r.json.imported, 1);
  assert.equal(r.json.saved, true);
  r = await api(server, 'GET', `/api/v1/courses/${COURSE}/questions`, { token: admin });
  const q = r.json.questions[0];
  assert.equal(q.title, 'Exit sign');
  r = await api(server, 'POST', `/api/v1/courses/${COURSE}/activities`, { token: admin, body: { section_id: section, kind: 'quiz', title: 'Signs quiz' } });
  assert.equal(r.status, 201, show(r));
  const quiz = r.json.activity.id;
  r = await api(server, 'PUT', `/api/v1/courses/${COURSE}/quizzes/${quiz}`, { token: admin, body: { question_ids: String(q.id) } });
  assert.equal(r.status, 200, show(r));
  r = await api(server, 'POST', `/api/v1/courses/${COURSE}/quizzes/${quiz}/attempts`, { token: learner });
  assert.equal(r.status, 201, show(r));
  const shown = r.json.attempt.questions[0];
  assert.ok(shown.text_html.includes(`<img src="data:image/png;base64,${PNG}" alt="a green sign">`), shown.text_html);
  assert.ok(!shown.text_html.includes('@@PLUGINFILE@@'));
});

test('the bank exports as Moodle XML, the picture as a file, and imports back', async () => {
  let r = await api(server, 'GET', `/api/v1/courses/${COURSE}/questions/export?format=moodlexml`, { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.match(r.headers['content-type'], /application\/xml/);
  const xml = r.text;
  assert.match(xml, /<question type="category">\n<category><text><!\[CDATA\[\$course\$\/top\/Signs\]\]><\/text>/);
  assert.ok(xml.includes(`<file name="image1.png" path="/" encoding="base64">${PNG}</file>`), xml);
  assert.ok(xml.includes('src="@@PLUGINFILE@@/image1.png"'));
  assert.match(xml, /<answer fraction="100" format="html"><text><!\[CDATA\[<p>Emergency <b>exit<\/b><\/p>\]\]><\/text>/);
  r = await api(server, 'POST', importPath, { token: admin, body: { data: xml, dry_run: true, format: 'moodlexml' } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.imported, 1);
});

test('an Aiken file imports as single-choice questions; a malformed one names its line', async () => {
  const aiken = 'Which way out?\nA. The lift\nB) The stairs\nANSWER: B\n';
  let r = await api(server, 'POST', importPath, { token: admin, body: { data: aiken } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.format, 'aiken');
  assert.equal(r.json.questions[0].type, 'single');
  r = await api(server, 'POST', importPath, { token: admin, body: { data: 'Which?\nA. x\nB. y\nANSWER: C\n', format: 'aiken' } });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.questions[0].line, 4);
  assert.match(r.json.questions[0].error, /ANSWER: C names no option; the options are A to B/);
});
