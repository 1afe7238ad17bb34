// lectern user import | export: the preview printed, exit statuses, --dry-run, --skip-errors,
// --json, standard input, an export that imports back unchanged, and the start_date column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from '../lib/cli.mjs';

const CSV = 'username,firstname,lastname,email,manager,nickname\n' +
  'cli.a,Cli,A,clia@example.org,,Al\n' +
  'cli.b,Cli,B,clib@example.org,cli.a,Bo\n' +
  'cli.c,Cli,C,not-an-email,,Cy\n';

test('the preview is printed; any error exits 1 and writes nothing', (t) => {
  const { lectern, file } = setup(t, 'import');
  const f = file('people.csv', CSV);
  const dry = lectern(['user', 'import', f, '--dry-run'], 1);
  assert.match(dry.stdout, /Unknown columns, ignored: nickname/);
  assert.match(dry.stdout, /^line 2\s+create\s+cli\.a/m);
  assert.match(dry.stdout, /^line 4\s+error\s+cli\.c\n\s+column email: 'not-an-email' is not an email address/m);
  assert.match(dry.stdout, /Rows: 3: create 2, update 0, unchanged 0, skip 0, error 1/);
  const refused = lectern(['user', 'import', f], 1);
  assert.match(refused.stderr, /1 row has errors; nothing was written.*--skip-errors/);
  assert.match(lectern(['user', 'list'], 0).stdout, /^(?![\s\S]*cli\.a)/, 'nobody was created');
  const ok = lectern(['user', 'import', f, '--skip-errors'], 0);
  assert.match(ok.stdout, /2 created \(0 with a password, 2 need a sign-in link\)/);
  assert.match(lectern(['user', 'show', 'cli.b', '--json'], 0).stdout, /"username": "cli.a"/);
  // Again: nothing changes; --quiet prints only the errors.
  const again = lectern(['user', 'import', f, '--skip-errors', '--quiet'], 0);
  assert.doesNotMatch(again.stdout, /^line 2/m);
  assert.match(again.stdout, /^line 4\s+error/m);
  assert.match(again.stdout, /create 0, update 0, unchanged 2/);
});

test('standard input, --json, --mode update, and malformed files', (t) => {
  const { lectern } = setup(t, 'import');
  lectern(['user', 'import', '-', '--skip-errors'], 0, { input: CSV });
  const j = JSON.parse(lectern(['user', 'import', '-', '--mode', 'update', '--json'], 0, {
    input: 'login_id;city\ncli.a;Porto\nnobody;Faro\n',
  }).stdout);
  assert.equal(j.committed, true);
  assert.deepEqual(j.rows.map((r) => r.outcome), ['update', 'skip']);
  assert.equal(j.written.updated, 1);
  const bad = lectern(['user', 'import', '-', '--dry-run'], 1, { input: 'username,firstname,lastname,email\n"x,y,z,w\n' });
  assert.match(bad.stdout, /line 2: error: .*closing quote is missing/);
  assert.equal(lectern(['user', 'import', '-', '--mode', 'sideways'], 2).code, 2);
  assert.equal(lectern(['user', 'import'], 2).code, 2);
});

test('the export imports back unchanged', (t) => {
  const { lectern, file } = setup(t, 'import');
  lectern(['user', 'import', '-', '--skip-errors'], 0, { input: CSV });
  const out = lectern(['user', 'export'], 0).stdout;
  assert.match(out, /^username,firstname,lastname,email,idnumber,institution,department,city,country,lang,timezone,phone1,suspended,job_role,manager,roles,start_date\n/);
  assert.match(out, /\ncli\.b,Cli,B,clib@example\.org,.*,cli\.a,learner,\n/);
  const back = lectern(['user', 'import', file('export.csv', out), '--quiet'], 0);
  assert.match(back.stdout, /create 0, update 0, unchanged 3/);
});

test('the optional start_date column: a bad date is located, a good one is kept and exported', (t) => {
  const { lectern, file } = setup(t, 'import');
  const f = file('starts.csv', 'username,firstname,lastname,email,start_date\n' +
    'new.a,New,A,newa@example.org,2026-09-01\n' +
    'new.b,New,B,newb@example.org,01/09/2026\n');
  const bad = lectern(['user', 'import', f], 1);
  assert.match(bad.stdout, /^line 3\s+error\s+new\.b\n\s+column start_date: Give the start date as YYYY-MM-DD/m);
  lectern(['user', 'import', '-'], 0, { input: 'username,firstname,lastname,email,start_date\nnew.a,New,A,newa@example.org,2026-09-01\n' });
  assert.match(lectern(['user', 'export'], 0).stdout, /\nnew\.a,New,A,newa@example\.org,.*,learner,2026-09-01\n/);
  const moved = lectern(['user', 'import', '-', '--mode', 'update'], 0, { input: 'username,start_date\nnew.a,2026-10-01\n' });
  assert.match(moved.stdout, /^line 2\s+update\s+new\.a.*start date/m);
  assert.match(lectern(['user', 'export'], 0).stdout, /\nnew\.a,.*,2026-10-01\n/);
});

test('--weak-password-link and --create-departments: without them the rows say which option helps', (t) => {
  const { lectern, file } = setup(t, 'import');
  const f = file('moodle.csv', 'username,password,firstname,lastname,email,department\n' +
    'weak.one,Password1,Weak,One,weak.one@example.org,Operations / Sales\n');
  const refused = lectern(['user', 'import', f, '--dry-run'], 1);
  assert.match(refused.stdout, /column password: .*option to create such accounts without a password/);
  assert.match(refused.stdout, /column department: Department 'Operations \/ Sales': .*option to create missing departments/);
  const ok = lectern(['user', 'import', f, '--weak-password-link', '--create-departments'], 0);
  assert.match(ok.stdout, /Departments to create: Operations \/ Sales/);
  assert.match(ok.stdout, /line 2\s+create\s+weak\.one\s+\(the file's password is too weak: a sign-in link is sent instead\)/);
  assert.match(ok.stdout, /1 created \(0 with a password, 1 need a sign-in link\)/);
  const again = lectern(['user', 'import', f, '--weak-password-link', '--create-departments'], 0);
  assert.doesNotMatch(again.stdout, /Departments to create/);
  assert.match(again.stdout, /create 0, update 0, unchanged 1/);
});
