// Courses and enrolments from the CSV files Moodle, Canvas and spreadsheets really write
// (tests/fixtures): Moodle's category id, category_path and category_idnumber; Canvas's
// courses.csv and enrollments.csv as a feed that can be sent again without errors; field counts
// checked per row, Excel's blank ";;" rows skipped, every problem of a row shown, and the rows
// before a broken quote reported with their own problems. The commands run on the database of
// a live server; the API shows what they wrote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, api, show, adminToken } from '../lib/server.mjs';
import { onServer, fixture } from '../lib/cli.mjs';

let server;
let admin;
let lectern;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  lectern = onServer(server);
});
after(async () => { if (server) await server.stop(); });

function file(name, text) {
  const p = path.join(server.dataDir, name);
  fs.writeFileSync(p, text);
  return p;
}
const get = (p) => api(server, 'GET', p, { token: admin });
const course = async (code) => (await get(`/api/v1/courses/${code}`)).json?.course;
const categories = async () => (await get('/api/v1/categories')).json.items.map((c) => c.path);

test('Moodle: category_path with " / " and category_idnumber place the courses; missing levels are created', async () => {
  const out = lectern(['course', 'import', fixture('moodle/courses.csv')], 0);
  assert.match(out, /3 to create, 0 to update, 0 unchanged, 0 skipped, 0 with errors; written/);
  assert.equal((await course('SAF-101')).category, 'Staff / Safety');
  assert.equal((await course('SAF-102')).category, 'Staff / Safety / Lifting');
  assert.equal((await course('SAF-103')).category, 'Staff / Safety / Lifting', 'the idnumber given on line 3 names it');
  assert.equal((await course('SAF-101')).start_date, '2027-01-01', 'epoch seconds');
  assert.deepEqual(await categories(), ['Staff', 'Staff / Safety', 'Staff / Safety / Lifting']);
});

test("Moodle: a numeric category is Moodle's id; an unknown one is a row error that suggests category_path", async () => {
  const out = lectern(['course', 'import', fixture('moodle/courses_category_id.csv')], 1);
  assert.match(out, /line 2: column category: There is no category with the id 37 .*category_path/);
  assert.equal(await course('MISC-1'), undefined);
  assert.ok(!(await categories()).includes('37'), 'no category named "37" is made');
  const staff = (await get('/api/v1/categories')).json.items.find((c) => c.path === 'Staff');
  const known = `shortname,fullname,category\nMISC-1,Miscellaneous course,${staff.id}\n`;
  const out2 = lectern(['course', 'import', file('known.csv', known)], 0);
  assert.match(out2, /1 to create/);
  assert.equal((await course('MISC-1')).category, 'Staff');
});

test('Moodle: a category_idnumber that is not known, without a path, is a row error naming it', async () => {
  const out = lectern(['course', 'import', fixture('moodle/courses_unknown_idnumber.csv')], 1);
  assert.match(out, /line 2: column category_idnumber: There is no category with the idnumber 'HR'/);
});

test("Canvas courses.csv: codes, titles, accounts as categories, formats and statuses; the same file again changes nothing", async () => {
  const out = lectern(['course', 'import', fixture('canvas/courses.csv')], 0);
  assert.match(out, /column 'term_id' is not known and is ignored/);
  assert.match(out, /3 to create, 0 to update/);
  const eng = await course('E411208');
  assert.equal(eng.title, 'English 115: Intro to English');
  assert.equal(eng.category, 'A002', 'a missing account becomes a category named by its id');
  assert.equal(eng.kind, 'elearning');
  assert.equal(eng.status, 'draft', 'active: a new course is not yet published');
  assert.equal(eng.start_date, '2027-01-11');
  assert.equal((await course('R001104')).status, 'published');
  assert.equal((await course('R001104')).kind, 'classroom');
  assert.equal((await course('A110035')).title, 'Art 105: "All About Art"');
  const again = lectern(['course', 'import', fixture('canvas/courses.csv')], 0);
  assert.match(again, /0 to create, 0 to update, 3 unchanged, 0 skipped, 0 with errors; written/);
  assert.equal((await categories()).filter((p) => p === 'A002').length, 1, 'the account is found again by its idnumber');
});

test('Canvas courses.csv: completed and deleted archive a course; deleting an unknown course is skipped', async () => {
  const out = lectern(['course', 'import', fixture('canvas/courses_ended.csv')], 0);
  assert.match(out, /line 3: update R001104: deleted: archived/);
  assert.match(out, /line 4: skip X999999: no such course to delete/);
  assert.equal((await course('E411208')).status, 'archived');
  assert.equal((await course('R001104')).status, 'archived');
  assert.equal(await course('X999999'), undefined);
  assert.match(lectern(['course', 'import', fixture('canvas/courses_ended.csv')], 0), /0 to create, 0 to update, 2 unchanged, 1 skipped/);
});

test("Excel's semicolons: a field with an unquoted delimiter, a short line, and blank ';;' rows", async () => {
  const out = lectern(['course', 'import', fixture('excel/courses.csv'), '--dry-run'], 1);
  assert.match(out, /line 2: create XL-1/);
  assert.match(out, /line 3: column : Line 3 has 4 fields but the header has 3: a field holds the delimiter ';' without quotes/);
  assert.match(out, /line 4: column : Line 4 has 2 fields but the header has 3: the line is cut short/);
  assert.match(out, /line 5: skip : empty line/);
  assert.match(out, /line 6: skip : empty line/);
  assert.match(out, /1 to create, 0 to update, 0 unchanged, 2 skipped, 2 with errors/);
});

test('every problem of a row is shown, and the rows before a broken quote are checked too', async () => {
  const out = lectern(['course', 'import', fixture('excel/courses_broken_quote.csv')], 1);
  assert.match(out, /line 2: create Q-1/);
  assert.match(out, /line 3: column fullname: Give the course a title/);
  assert.match(out, /line 3: column visible: Give visible as 1/);
  assert.match(out, /line 3: column startdate: Give the start date/);
  assert.match(out, /Line 4: a quoted field starts here and its closing quote is missing/);
  assert.match(out, /nothing written/);
  assert.equal(await course('Q-1'), undefined, 'a file with a broken quote writes nothing');
});

test('the course upload over the API answers the same rows and the broken quote', async () => {
  const data = 'shortname,fullname\nAPI-1,Fine\nAPI-2,"Never closed\n';
  const r = await api(server, 'POST', '/api/v1/courses/import', { token: admin, body: { data } });
  assert.equal(r.status, 422, show(r));
  assert.match(r.json.error.message, /Line 3: .*closing quote is missing/);
});

