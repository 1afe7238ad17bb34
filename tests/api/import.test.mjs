// Bulk user upload through the API: preview then commit, every mode, idempotency, renames,
// suspensions, deletions, Moodle and Canvas files, malformed files located by line, the
// per-route body cap (a file over 4 MiB is fine here, 200 MB is refused), and the export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, signIn, signInFull, socketRequest } from '../lib/server.mjs';
import { uploadCsv, preview, commit, commitAsync, waitForCommit, importCsv, rowAt } from '../lib/people.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

const get = (path, token = admin) => api(server, 'GET', path, { token });
const user = async (username) => {
  const r = await get(`/api/v1/users/${username}`);
  return r.status === 200 ? r.json.user : null;
};
// The welcome job sends sign-in links (audited as user.signin_link) whenever a worker takes it,
// so those entries are left out of the counts.
const auditCount = async () => (await get('/api/v1/audit?limit=500')).json.items.filter((a) => a.action !== 'user.signin_link').length;

const MOODLE = [
  'username,password,firstname,lastname,email,idnumber,institution,department,city,country,lang,timezone,phone1,auth,shoe_size',
  'ava.m,Amber-Falcon-Ridge-24,Ava,Moss,ava@example.org,HR-001,Acme,,Leeds,gb,en,Europe/London,+44 113 000,manual,42',
  'ben.m,,Ben,Marsh,ben@example.org,HR-002,Acme,,York,GB,en,Europe/London,,manual,43',
  'cy.m,,Cy,Mead,not-an-email,HR-003,Acme,,,GB,,,,manual,44',
].join('\n') + '\n';

test('a preview reports every row and the unknown columns, and writes nothing', async () => {
  const imp = await preview(server, admin, MOODLE);
  assert.equal(imp.status, 'previewed');
  assert.match(imp.id, /^[0-9a-f]{32}$/);
  assert.deepEqual(imp.unknown_columns, ['shoe_size']);
  assert.deepEqual(imp.file_errors, []);
  assert.equal(imp.summary.rows, 3);
  assert.equal(imp.summary.create, 2);
  assert.equal(imp.summary.error, 1);
  assert.equal(imp.summary.passwords, 1, 'one new account has a password to hash');
  assert.equal(rowAt(imp, 2).outcome, 'create');
  assert.match(rowAt(imp, 2).note, /password/);
  assert.match(rowAt(imp, 3).note, /sign-in link/);
  const bad = rowAt(imp, 4);
  assert.equal(bad.outcome, 'error');
  assert.deepEqual(bad.errors.map((e) => [e.line, e.column]), [[4, 'email']]);
  assert.equal(await user('ava.m'), null, 'nothing written by a preview');
  // The stored preview can be read again, one page at a time, or only its errors.
  const again = await get(`/api/v1/user-imports/${imp.id}?only=errors`);
  assert.equal(again.status, 200, show(again));
  assert.deepEqual(again.json.import.rows.map((r) => r.line), [4]);
  const page = await get(`/api/v1/user-imports/${imp.id}?per_page=1&page=2`);
  assert.deepEqual(page.json.import.rows.map((r) => r.line), [3]);
  assert.ok(page.json.next.includes('page=3'));
});

test('commit is all or nothing; valid rows only when asked; never twice', async () => {
  const imp = await preview(server, admin, MOODLE);
  const before = await auditCount();
  const all = await commit(server, admin, imp.id);
  assert.equal(all.status, 422, show(all));
  assert.match(all.json.error.message, /1 row has errors; nothing was written/);
  assert.equal(await user('ava.m'), null);
  assert.equal(await auditCount(), before, 'no audit entry for a refused commit');

  const valid = await commit(server, admin, imp.id, true);
  assert.equal(valid.status, 200, show(valid));
  const done = valid.json.import;
  assert.equal(done.status, 'committed');
  assert.equal(done.written.created, 2);
  assert.equal(done.written.with_password, 1);
  assert.equal(done.written.need_signin_link, 1);
  assert.deepEqual(done.rows.map((r) => r.line), [4], 'the rows left out are listed');
  const ava = await user('ava.m');
  assert.equal(ava.idnumber, 'HR-001');
  assert.equal(ava.country, 'GB');
  assert.equal(ava.timezone, 'Europe/London');
  assert.equal(ava.needs_signin_link, false);
  const s = await signInFull(server, 'ava.m', 'Amber-Falcon-Ridge-24');
  assert.equal(s.must_change_password, false);
  const ben = await user('ben.m');
  // No password: the account waits for a sign-in link, which the welcome job (queued by the
  // commit) may have sent already.
  const outboxToBen = async () => (await get('/api/v1/mail/outbox?per_page=100')).json.items.filter((m) => m.to === 'ben@example.org');
  assert.ok(ben.needs_signin_link === true || (await outboxToBen()).length === 1, 'no password: a sign-in link is due or sent');
  assert.equal(ben.status, 'active');
  const again = await commit(server, admin, imp.id, true);
  assert.equal(again.status, 409, show(again));
  const audit = (await get('/api/v1/audit?limit=10')).json.items;
  assert.ok(audit.some((a) => a.action === 'user.import'), 'the import is audited');
  assert.ok(audit.some((a) => a.action === 'user.create' && a.target === `user:${ben.id}`), 'each account too');
});

test('the commit runs as a job: 202 at once, then progress from hashing to done', { timeout: 120000 }, async () => {
  const lines = ['username,password,firstname,lastname,email'];
  for (let i = 1; i <= 40; i++) lines.push(`prog${i},Quiet-Harbour-Lamp-${i},Pro,Gress${i},prog${i}@example.org`);
  const imp = await preview(server, admin, lines.join('\n') + '\n');
  assert.equal(imp.summary.passwords, 40);
  const c = await commitAsync(server, admin, imp.id);
  assert.equal(c.status, 202, show(c));
  assert.equal(c.json.import.status, 'committing');
  assert.equal(c.json.import.id, imp.id);
  assert.ok(Number.isInteger(c.json.import.job_id) && c.json.import.job_id > 0, 'the job is named');
  const p0 = c.json.import.progress;
  assert.ok(p0 && typeof p0.phase === 'string', JSON.stringify(c.json.import));
  for (const k of ['done', 'total', 'percent']) assert.equal(typeof p0[k], 'number', k);
  // A second commit while the job runs is refused.
  const twice = await commitAsync(server, admin, imp.id);
  assert.equal(twice.status, 409, show(twice));
  const seen = [];
  const r = await waitForCommit(server, admin, imp.id, { onPoll: (i) => seen.push(i) });
  const done = r.json.import;
  assert.equal(done.status, 'committed', JSON.stringify(done));
  assert.equal(done.written.created, 40);
  assert.equal(done.written.with_password, 40);
  const phases = seen.filter((i) => i.status === 'committing').map((i) => i.progress.phase);
  assert.ok(phases.includes('hashing'), `the hashing phase is reported (saw ${[...new Set(phases)].join(', ')})`);
  const hashing = seen.filter((i) => i.status === 'committing' && i.progress.phase === 'hashing');
  assert.ok(hashing.every((i) => i.progress.total === 40 || i.progress.total === 0), JSON.stringify(hashing.map((i) => i.progress)));
  // The counts only move forward while hashing.
  for (let k = 1; k < hashing.length; k++) assert.ok(hashing[k].progress.done >= hashing[k - 1].progress.done);
  assert.equal(done.progress.phase, 'done');
  assert.equal(done.progress.done, done.progress.total);
  assert.equal(done.progress.total, 40);
  assert.equal(done.progress.percent, 100);
  const s = await signInFull(server, 'prog40', 'Quiet-Harbour-Lamp-40');
  assert.ok(s.token, 'the hashed password signs in');
});

test('the same file twice changes nothing the second time', async () => {
  const csv = 'username,firstname,lastname,email,city\nidem1,Ida,Em,idem1@example.org,Bath\nidem2,Ivo,Em,idem2@example.org,Bath\n';
  const first = await importCsv(server, admin, csv);
  assert.equal(first.written.created, 2);
  const u1 = await user('idem1');
  const auditBefore = await auditCount();
  const second = await preview(server, admin, csv);
  assert.equal(second.summary.unchanged, 2);
  const c = await commit(server, admin, second.id);
  assert.equal(c.status, 200, show(c));
  assert.equal(c.json.import.written.created + c.json.import.written.updated, 0);
  assert.equal((await user('idem1')).updated_at, u1.updated_at);
  assert.equal(await auditCount(), auditBefore + 1, 'only the import summary is recorded');
});

test('modes: add skips existing accounts, update skips new ones, upsert does both', async () => {
  await importCsv(server, admin, 'username,firstname,lastname,email\nmode1,Mo,One,mode1@example.org\n');
  const csv = 'username,firstname,lastname,email,city\nmode1,Mo,One,mode1@example.org,Cork\nmode2,Mo,Two,mode2@example.org,Cork\n';
  const add = await preview(server, admin, csv, { mode: 'add' });
  assert.deepEqual(add.rows.map((r) => r.outcome), ['skip', 'create']);
  const upd = await preview(server, admin, csv, { mode: 'update' });
  assert.deepEqual(upd.rows.map((r) => r.outcome), ['update', 'skip']);
  assert.match(rowAt(upd, 2).note, /city/);
  const ups = await preview(server, admin, csv, { mode: 'upsert' });
  assert.deepEqual(ups.rows.map((r) => r.outcome), ['update', 'create']);
  const c = await commit(server, admin, upd.id);
  assert.equal(c.status, 200, show(c));
  assert.equal((await user('mode1')).city, 'Cork');
  assert.equal(await user('mode2'), null, 'update mode created nobody');
  // Mode update needs only a column that identifies people; others need the names and email.
  const missing = await preview(server, admin, 'username,city\nmode1,Cork\n', { mode: 'upsert' });
  assert.equal(missing.file_errors.length, 3);
  assert.match(missing.file_errors.map((e) => e.message).join(' '), /firstname.*lastname.*email/s);
});

test('renames, suspensions and deletions need their options', async () => {
  await importCsv(server, admin, 'username,firstname,lastname,email,idnumber\nold.name,Ola,Nam,ola@example.org,R-1\nsus1,Sue,Spe,sue@example.org,R-2\ndel1,Del,Ete,del@example.org,R-3\n');
  const ola = await user('old.name');
  const rename = 'username,oldusername\nnew.name,old.name\n';
  const refused = await preview(server, admin, rename, { mode: 'update' });
  assert.equal(rowAt(refused, 2).errors[0].column, 'oldusername');
  const renamed = await importCsv(server, admin, rename, { mode: 'update', allow_renames: true });
  assert.equal(renamed.written.renamed, 1);
  assert.equal((await user('new.name')).id, ola.id);
  assert.equal(await user('old.name'), null);
  const twice = await preview(server, admin, rename, { mode: 'update', allow_renames: true });
  assert.equal(rowAt(twice, 2).outcome, 'unchanged');

  const suspend = 'username,suspended\nsus1,1\n';
  assert.equal(rowAt(await preview(server, admin, suspend, { mode: 'update' }), 2).errors[0].column, 'suspended');
  await importCsv(server, admin, suspend, { mode: 'update', allow_suspend: true });
  assert.equal((await user('sus1')).status, 'suspended');
  // Canvas's status column reactivates.
  await importCsv(server, admin, 'login_id,status\nsus1,active\n', { mode: 'update', allow_suspend: true });
  assert.equal((await user('sus1')).status, 'active');

  const del1 = await user('del1');
  const del = 'username,deleted\ndel1,1\n';
  assert.equal(rowAt(await preview(server, admin, del, { mode: 'update' }), 2).errors[0].column, 'deleted');
  const deleted = await importCsv(server, admin, del, { mode: 'update', allow_delete: true });
  assert.equal(deleted.written.deleted, 1);
  assert.equal(await user('del1'), null, 'the username is gone');
  const anon = await user(`deleted-${del1.id}`);
  assert.equal(anon.id, del1.id, 'the account (and its records) stay');
  assert.equal(anon.status, 'suspended');
  assert.equal(anon.deleted, true);
  assert.equal(anon.email, '');
  assert.equal(anon.idnumber, null);
  const again = await preview(server, admin, del, { mode: 'update', allow_delete: true });
  assert.equal(rowAt(again, 2).outcome, 'skip');
  // An upload never changes an administrator: the row is skipped with a note.
  const self = await preview(server, admin, 'username,suspended\nadmin,1\n', { mode: 'update', allow_suspend: true });
  assert.equal(rowAt(self, 2).outcome, 'skip');
  assert.match(rowAt(self, 2).note, /administrator/);
});

test('a Canvas users.csv with semicolons, a BOM, quotes and a line break inside a field', async () => {
  const csv = '\uFEFFuser_id;login_id;first_name;last_name;email;status;integration_id\r\n' +
    'SIS-9;canvas.one;"Ann; Marie";"O""Neil";ann.marie@example.org;active;x\r\n' +
    'SIS-10;canvas.two;"Two\r\nLines";Smith;two@example.org;active;y\r\n' +
    'SIS-11;canvas.three;Tri;Ple;three@example.org;active;z\r\n';
  const imp = await preview(server, admin, csv);
  assert.equal(imp.delimiter, ';');
  assert.equal(imp.bom, true);
  assert.deepEqual(imp.unknown_columns, ['integration_id']);
  assert.equal(rowAt(imp, 2).outcome, 'create');
  assert.equal(rowAt(imp, 3).outcome, 'error', 'a line break is not allowed in a name');
  assert.equal(rowAt(imp, 3).errors[0].column, 'first_name');
  assert.equal(rowAt(imp, 5).outcome, 'create', 'line numbers count the line inside the quotes');
  const c = await commit(server, admin, imp.id, true);
  assert.equal(c.status, 200, show(c));
  const u = await user('canvas.one');
  assert.equal(u.first_name, 'Ann; Marie');
  assert.equal(u.last_name, 'O"Neil');
  assert.equal(u.idnumber, 'SIS-9');
});

test('bad files: each problem is located and nothing is written', async () => {
  const cases = [
    ['username,firstname,lastname,email\nq1,Q,One,q1@example.org\n"q2,Q,Two,q2@example.org\n', 3, /closing quote is missing/],
    ['username,firstname,lastname,email\nq1,Q,One,q1@example.org\nq2,Q\"x,Two,q2@example.org\n', 3, /quote is out of place/],
    [Buffer.concat([Buffer.from('username,firstname,lastname,email\nq1,Q,One,q1@example.org\nq2,Ren'), Buffer.from([0xe9]), Buffer.from(',Two,q2@example.org\n')]), 3, /not valid UTF-8/],
    [Buffer.from('\ufeffusername,firstname\n', 'utf16le'), 1, /UTF-16/],
    ['\n\n', 0, /empty/],
  ];
  for (const [csv, line, re] of cases) {
    const imp = await preview(server, admin, csv);
    assert.equal(imp.file_errors.length, 1, JSON.stringify(imp.file_errors));
    assert.equal(imp.file_errors[0].line, line, JSON.stringify(imp.file_errors));
    assert.match(imp.file_errors[0].message, re);
    const c = await commit(server, admin, imp.id, true);
    assert.equal(c.status, 422, show(c));
  }
  assert.equal(await user('q1'), null);
  const empty = await uploadCsv(server, admin, '');
  assert.equal(empty.status, 422);
  assert.equal(empty.json.error.field, 'file');

  // Rows: duplicates in the file and against the site, unknown department and manager, a loop.
  await importCsv(server, admin, 'username,firstname,lastname,email\nsite1,Si,Te,site1@example.org\n');
  const imp = await preview(server, admin, [
    'username,firstname,lastname,email,department,manager',
    'r1,R,One,r1@example.org,,',
    'r1,R,Again,r1b@example.org,,',
    'r2,R,Two,SITE1@example.org,,',
    'r3,R,Three,r3@example.org,Nowhere,',
    'r4,R,Four,r4@example.org,,ghost',
    'r5,R,Five,r5@example.org,,r6',
    'r6,R,Six,r6@example.org,,r5',
  ].join('\n'));
  const err = (line) => rowAt(imp, line).errors[0];
  assert.equal(rowAt(imp, 2).outcome, 'create');
  assert.match(err(3).message, /line 2/);
  assert.equal(err(4).column, 'email');
  assert.match(err(4).message, /site1/);
  assert.equal(err(5).column, 'department');
  assert.equal(err(6).column, 'manager');
  assert.match(err(7).message, /loop: r5 → r6 → r5/);
  assert.match(err(8).message, /loop/);
});

test('the upload route takes files over 4 MiB; 200 MB is refused with 413', async () => {
  const rows = ['username,firstname,lastname,email,institution'];
  const pad = 'x'.repeat(200);
  for (let i = 0; i < 25000; i++) rows.push(`big${i},Big,Row${i},big${i}@example.org,${pad}`);
  const csv = rows.join('\n') + '\n';
  assert.ok(csv.length > 5 * 1024 * 1024);
  const r = await uploadCsv(server, admin, csv, { mode: 'add' });
  assert.equal(r.status, 201, r.text.slice(0, 300));
  assert.equal(r.json.import.summary.create, 25000);
  assert.equal(r.json.import.rows.length, 1000, 'the first page of rows');
  // Other routes keep the 4 MiB cap.
  const other = await socketRequest(`${server.url}/api/v1/users`, {
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ username: 'x', email: 'y'.repeat(5 * 1024 * 1024) })),
    expectContinue: true,
  });
  assert.equal(other.status, 413);
  assert.match(JSON.parse(other.text).error.message, /limit of 4 MiB/);
  const huge = await socketRequest(`${server.url}/api/v1/user-imports`, {
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'multipart/form-data; boundary=zzz', 'content-length': String(200 * 1024 * 1024) },
  });
  assert.equal(huge.status, 413);
  assert.match(JSON.parse(huge.text).error.message, /The file is larger than the limit of 64 MiB/);
});

test('the export reads back unchanged, and a manager or learner cannot upload', async () => {
  const r = await api(server, 'GET', '/api/v1/user-export', { token: admin, headers: { accept: 'text/csv' } });
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/csv/);
  assert.match(r.text, /^username,firstname,lastname,email,idnumber,institution,department,city,country,lang,timezone,phone1,suspended,job_role,manager,roles,start_date\n/);
  assert.ok(!/deleted-/.test(r.text), 'deleted accounts are left out');
  assert.ok(!/\$argon2/.test(r.text), 'no password hashes');
  const back = await preview(server, admin, r.text);
  assert.equal(back.summary.unchanged, back.summary.rows, JSON.stringify(back.rows.filter((x) => x.outcome !== 'unchanged')).slice(0, 500));

  await importCsv(server, admin, 'username,firstname,lastname,email,password,roles\nmgr.up,Man,Ager,mgr.up@example.org,Amber-Falcon-Ridge-24,manager\n');
  const mgr = await signIn(server, 'mgr.up', 'Amber-Falcon-Ridge-24');
  const up = await uploadCsv(server, mgr, 'username\nx\n');
  assert.equal(up.status, 403);
  const exp = await api(server, 'GET', '/api/v1/user-export', { token: mgr });
  assert.equal(exp.status, 403);
});
