// The audit log: entries for what happened, newest first, administrators only, and the hash chain
// checked by `lectern audit verify` (while serving, after the stop, and after tampering).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, api, show, signIn, adminToken, createUser, assertCleanShutdown, lecternBin, repoRoot, testPg,
} from '../lib/server.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
});
after(async () => {
  if (server) await server.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

const verify = (dataDir) => spawnSync(lecternBin(), ['audit', 'verify', '--data', dataDir], { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
const out = (r) => `exit ${r.status} signal ${r.signal}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;

test('actions leave entries: sign-in, user create, update, suspend, unlock, reset, settings', async () => {
  await createUser(server, { username: 'audrey', email: 'audrey@example.com', first_name: 'Audrey', last_name: 'A', roles: ['learner'], password: 'Maple-Lantern-Nine-1' }, admin);
  await signIn(server, 'audrey', 'Maple-Lantern-Nine-1');
  await api(server, 'POST', '/api/v1/sessions', { body: { username: 'audrey', password: 'Wrong-Password-123' } });
  for (const [method, p, body] of [['PATCH', '/api/v1/users/audrey', { first_name: 'Aud' }], ['POST', '/api/v1/users/audrey/suspend'],
    ['POST', '/api/v1/users/audrey/reactivate'], ['POST', '/api/v1/users/audrey/unlock'], ['POST', '/api/v1/users/audrey/reset-password'],
    ['PATCH', '/api/v1/settings', { site_name: 'Audited' }]]) {
    const r = await api(server, method, p, { token: admin, body });
    assert.equal(r.status, 200, `${method} ${p}: ${show(r)}`);
  }
  const r = await api(server, 'GET', '/api/v1/audit?limit=500', { token: admin });
  assert.equal(r.status, 200, show(r));
  const items = r.json.items;
  assert.ok(Array.isArray(items) && items.length >= 8, show(r));
  for (const e of items) {
    for (const k of ['id', 'at', 'actor', 'action', 'target', 'details']) assert.ok(k in e, `entry without ${k}: ${JSON.stringify(e)}`);
    assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(typeof e.action, 'string');
  }
  const actions = items.map((e) => e.action);
  const has = (re, what) => assert.ok(actions.some((a) => re.test(a)), `no ${what} entry among ${JSON.stringify([...new Set(actions)])}`);
  has(/^session\.|signin|sign_in/, 'sign-in');
  has(/^user\.create/, 'user.create');
  has(/^user\.(update|edit|patch)/, 'user update');
  has(/suspend/, 'suspend');
  has(/reactivat/, 'reactivate');
  has(/unlock/, 'unlock');
  has(/reset/, 'password reset');
  has(/^settings\./, 'settings change');
  // The target names the user: by username, or by a stable reference such as "user:ID".
  const audreyId = (await api(server, 'GET', '/api/v1/users/audrey', { token: admin })).json.user.id;
  const isAudrey = (target) => target === 'audrey' || target === `user:${audreyId}` || target === `user:audrey` || target === audreyId;
  const aboutAudrey = items.filter((e) => isAudrey(e.target));
  assert.ok(aboutAudrey.length >= 8, `entries with target audrey (or user:${audreyId}): ${JSON.stringify(items.map((e) => [e.action, e.target]))}`);
  const create = aboutAudrey.find((e) => /^user\.create/.test(e.action));
  assert.ok(create, 'user.create with target audrey');
  assert.ok(JSON.stringify(create.actor).includes('admin'), `the actor is the admin: ${JSON.stringify(create)}`);
  assert.ok(!r.text.includes('Maple-Lantern-Nine-1') && !r.text.includes('Wrong-Password-123'), 'no passwords in the audit log');
});

test('entries come newest first; ?limit works and is capped at 500', async () => {
  const r = await api(server, 'GET', '/api/v1/audit?limit=3', { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.items.length, 3);
  const ids = r.json.items.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'ids descend');
  assert.equal(r.json.items[0].action.startsWith('settings.'), true, `the newest is the settings change: ${show(r)}`);
  const def = await api(server, 'GET', '/api/v1/audit', { token: admin });
  assert.equal(def.status, 200);
  assert.ok(def.json.items.length <= 50);
  const big = await api(server, 'GET', '/api/v1/audit?limit=100000', { token: admin });
  assert.ok(big.status === 422 || (big.status === 200 && big.json.items.length <= 500), show(big));
});

test('a learner gets 403 and an anonymous client 401 on the audit log', async () => {
  await createUser(server, { username: 'lee', email: 'lee@example.com', first_name: 'Lee', last_name: 'L', roles: ['learner', 'manager'], password: 'Copper-Kettle-Run-24' }, admin);
  const tok = await signIn(server, 'lee', 'Copper-Kettle-Run-24');
  const r = await api(server, 'GET', '/api/v1/audit', { token: tok });
  assert.equal(r.status, 403, show(r));
  const a = await api(server, 'GET', '/api/v1/audit');
  assert.equal(a.status, 401, show(a));
});

test('the audit log has no write routes', async () => {
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const r = await api(server, method, '/api/v1/audit', { token: admin, body: {} });
    assert.ok([404, 405].includes(r.status), `${method}: ${show(r)}`);
  }
});

test('`lectern audit verify` passes while the server runs', () => {
  const r = verify(server.dataDir);
  assert.equal(r.status, 0, out(r));
});

let shutdown;
test('`lectern audit verify` passes after the server stops', async () => {
  shutdown = await server.stop({ keepDataDir: true });
  const r = verify(server.dataDir);
  assert.equal(r.status, 0, out(r));
  assert.match(r.stdout + r.stderr, /\d+/, 'verify says how many entries it checked');
});

test('the server shut down cleanly on SIGTERM (exit 0, no sanitizer reports)', () => {
  assert.ok(shutdown, 'stopped by the previous test');
  assertCleanShutdown(server, shutdown);
});

function sqliteFile(dir) {
  const found = [];
  const walk = (d) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && fs.statSync(p).size >= 100) {
        const fd = fs.openSync(p, 'r');
        const b = Buffer.alloc(16);
        fs.readSync(fd, b, 0, 16, 0);
        fs.closeSync(fd);
        if (b.toString('latin1') === 'SQLite format 3\0') found.push(p);
      }
    }
  };
  walk(dir);
  return found[0];
}

function sql(db, statement) {
  const r = spawnSync('sqlite3', ['-batch', db, statement], { encoding: 'utf8' });
  if (r.error) return { skip: true, stderr: String(r.error) };
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

test('`lectern audit verify` fails after a row is changed, and after one is removed', { skip: testPg ? 'tampers with the SQLite file (tests/cli/pg.test.mjs tampers on PostgreSQL)' : false }, (t) => {
  const db = sqliteFile(server.dataDir);
  assert.ok(db, `no SQLite database in ${server.dataDir}`);
  const tables = sql(db, "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%audit%' ORDER BY length(name)");
  if (tables.skip) { t.skip('sqlite3 CLI not installed'); return; }
  const table = tables.stdout.split('\n')[0];
  assert.ok(table, 'an audit table');
  const cols = sql(db, `SELECT name FROM pragma_table_info('${table}')`).stdout.split('\n');
  const col = ['action', 'target', 'details'].find((c) => cols.includes(c));
  assert.ok(col, `a text column in ${table}: ${cols}`);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-tamper-'));
  t.after(() => fs.rmSync(copy, { recursive: true, force: true }));
  fs.cpSync(server.dataDir, copy, { recursive: true });
  const dbCopy = sqliteFile(copy);
  // Triggers may guard the table (append-only); a tamperer would drop them first.
  const dropTriggers = sql(dbCopy, `SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='${table}'`).stdout
    .split('\n').filter(Boolean).map((n) => `DROP TRIGGER "${n}";`).join(' ');
  const midId = sql(dbCopy, `SELECT id FROM ${table} ORDER BY id LIMIT 1 OFFSET 2`).stdout;
  assert.ok(midId, 'at least three audit rows');
  const changed = sql(dbCopy, `${dropTriggers} UPDATE ${table} SET ${col} = ${col} || 'x' WHERE id = ${midId};`);
  assert.equal(changed.status, 0, changed.stderr);
  const v1 = verify(copy);
  assert.notEqual(v1.status, 0, `a changed row must fail verification\n${out(v1)}`);

  // Removal: a fresh copy of the untouched data, one middle row deleted.
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(server.dataDir, copy, { recursive: true });
  const dbCopy2 = sqliteFile(copy);
  const removed = sql(dbCopy2, `${dropTriggers} DELETE FROM ${table} WHERE id = ${midId};`);
  assert.equal(removed.status, 0, removed.stderr);
  const v2 = verify(copy);
  assert.notEqual(v2.status, 0, `a removed row must fail verification\n${out(v2)}`);

  const original = verify(server.dataDir);
  assert.equal(original.status, 0, `the untouched data still verifies\n${out(original)}`);
});
