// lectern completion import: completions of courses and programmes from another system, run on
// the database of a live server (courses, people and programmes are made through the API, which
// then shows what was written): located errors for an unknown person, course or programme, a
// bad or future date, a bad score, with nothing written; --dry-run writing nothing; a course
// completion completing the person's enrolment (and so their programme); a programme
// completion recorded at its date; the same file again unchanged; a file without a needed
// column.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { onServer } from '../lib/cli.mjs';

const PW = 'Copper-Lantern-Orchard-47';
let server;
let admin;
let lectern;

async function call(method, path, body, status) {
  const r = await api(server, method, path, { token: admin, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r.json;
}

const file = (name, text) => {
  const p = `${server.dataDir}/../${name}`;
  fs.writeFileSync(p, text);
  return p;
};
const assignment = async (code, username) =>
  (await call('GET', `/api/v1/programmes/${code}/assignments`, undefined, 200)).items.find((a) => a.username === username);
const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  lectern = onServer(server);
  for (const [code, title] of [['HIS-1', 'Fire safety'], ['HIS-2', 'First aid']])
    await call('POST', '/api/v1/courses', { code, title, status: 'published' }, 201);
  for (const username of ['lea', 'leo'])
    await createUser(server, { username, first_name: username, last_name: 'X', roles: ['learner'], password: PW }, admin);
  await call('PATCH', '/api/v1/users/lea/profile', { idnumber: 'E100' }, 200);
  await call('POST', '/api/v1/programmes', { code: 'HP1', title: 'Fire', sets: [{ courses: ['HIS-1'] }] }, 201);
  await call('POST', '/api/v1/programmes', { code: 'HP2', title: 'Aid', sets: [{ courses: ['HIS-2'] }] }, 201);
  await call('POST', '/api/v1/programmes/HP1/assignments', { username: 'lea' }, 201);
  await call('POST', '/api/v1/programmes/HP2/assignments', { username: 'leo' }, 201);
});
after(async () => { if (server) await server.stop(); });

const HEADER = 'username,idnumber,course,programme,completed,expiry,score\n';

test('bad rows are located by line and column, and nothing is written', async () => {
  const f = file('bad.csv', HEADER +
    'nobody,,HIS-1,,2024-03-01,,\n' +
    ',E999,HIS-1,,2024-03-01,,\n' +
    'lea,,NOPE-1,,2024-03-01,,\n' +
    'leo,,,NOPE,2024-03-01,,\n' +
    `lea,,HIS-1,,${tomorrow},,\n` +
    'lea,,HIS-1,,2024-02-30,,\n' +
    'lea,,HIS-1,HP1,2024-03-01,,\n' +
    'leo,,,HP2,2024-03-01,2023-01-01,150\n' +
    'leo,,HIS-2,,2024-03-01,,\n');
  const out = lectern(['completion', 'import', f], 1);
  assert.match(out, /^line 2: column username: There is no person with the username 'nobody'\./m);
  assert.match(out, /^line 3: column idnumber: There is no person with the idnumber 'E999'\./m);
  assert.match(out, /^line 4: column course: There is no course 'NOPE-1'\./m);
  assert.match(out, /^line 5: column programme: There is no programme 'NOPE'\./m);
  assert.match(out, new RegExp(`^line 6: column completed: The completion date ${tomorrow} is in the future\\.`, 'm'));
  assert.match(out, /^line 7: column completed: '2024-02-30' is not a date/m);
  assert.match(out, /^line 8: column programme: Give a course or a programme, not both/m);
  assert.match(out, /^line 9: column expiry: The expiry 2023-01-01 must be after the completion date 2024-03-01\./m);
  assert.match(out, /^line 9: column score: Give the score as a number from 0 to 100/m);
  assert.match(out, /^line 10: record leo HIS-2$/m);
  assert.match(out, /1 to record, 0 to update, 0 unchanged, 0 skipped, 8 with errors; nothing written: fix the errors/);
  assert.equal((await assignment('HP1', 'lea')).state, 'assigned');
  assert.equal((await assignment('HP2', 'leo')).state, 'assigned', 'the good row was not written either');
});

test('completions recorded: a course completes the enrolment and its programme; a programme at its date; again unchanged', async () => {
  const f = file('good.csv', HEADER +
    ',E100,HIS-1,,2024-03-01,2025-03-01,88\n' +
    'leo,,,HP2,2023-05-05,,\n');
  const dry = lectern(['completion', 'import', f, '--dry-run'], 0);
  assert.match(dry, /^line 2: record E100 HIS-1$/m);
  assert.match(dry, /2 to record, .* nothing written \(--dry-run\)/);
  assert.equal((await assignment('HP1', 'lea')).state, 'assigned');

  assert.match(lectern(['completion', 'import', f], 0), /2 to record, 0 to update, 0 unchanged, 0 skipped, 0 with errors; written/);
  const lea = await assignment('HP1', 'lea');
  assert.equal(lea.state, 'complete', JSON.stringify(lea));
  const leo = await assignment('HP2', 'leo');
  assert.equal(leo.state, 'complete', JSON.stringify(leo));
  assert.match(JSON.stringify(leo.completed_at), /2023-05-05/);

  const again = lectern(['completion', 'import', f], 0);
  assert.match(again, /^line 2: unchanged E100 HIS-1: recorded already$/m);
  assert.match(again, /0 to record, 0 to update, 2 unchanged/);
});

test('a file without a needed column is refused as a whole; usage errors exit 2', async () => {
  const f = file('cols.csv', 'username,course\nlea,HIS-2\n');
  assert.match(lectern(['completion', 'import', f], 1), /The file has no 'completed' column/);
  lectern(['completion', 'import'], 2);
  lectern(['completion', 'import', f, '--sideways'], 2);
});
