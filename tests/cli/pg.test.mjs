// The command line on PostgreSQL: bad URLs, an unreachable server, a wrong password and a
// missing database each get a clear message and exit 1; init and migrate on a fresh database;
// several nodes migrating at once apply each migration once; a newer schema is refused without
// a change; the audit chain's tampering is found; backups go through pg_dump exactly as
// `lectern backup` and docs/deploy.md say.
// Needs LECTERN_TEST_PG (scripts/pg-test-cluster.sh sets it); skipped without it.
// Run: scripts/pg-test-cluster.sh make cli-pg
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, lecternBin, testPg } from '../lib/server.mjs';
import { run } from '../lib/cli.mjs';

const skip = !testPg && 'LECTERN_TEST_PG is not set (run under scripts/pg-test-cluster.sh)';
const GOOD_PASSWORD = 'vivid-Orbit-7291-canal';

function lectern(db, args, expectCode, opts = {}) {
  const r = run(args, { ...opts, db });
  if (expectCode !== undefined) {
    assert.equal(r.code, expectCode, `lectern ${args.join(' ')}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r;
}

function psql(url, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, `psql ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

const withDb = (url, name) => { const u = new URL(url); u.pathname = `/${name}`; return u.toString(); };
const password = () => new URL(testPg).password;

test('a wrong password, a missing database, a closed port and a bad URL: a clear message, exit 1', { skip }, () => {
  const db = createTestDatabase();
  const wrong = new URL(db);
  wrong.password = 'not-the-password';
  let r = lectern(wrong.toString(), ['user', 'list'], 1);
  assert.match(r.stderr, /^lectern: cannot open the database: cannot connect to PostgreSQL \(host 127\.0\.0\.1, port \d+, database lectern_\w+, user postgres\): .*password authentication failed for user "postgres"/m);
  assert.match(r.stderr, /check the user name and password/);
  assert.ok(!r.stderr.includes('not-the-password'), 'the password is never echoed');

  r = lectern(withDb(testPg, 'no_such_database'), ['migrate'], 1);
  assert.match(r.stderr, /database "no_such_database" does not exist/);
  assert.match(r.stderr, /createdb -E UTF8/);
  assert.ok(!r.stderr.includes(password()));

  r = lectern('postgres://lectern:secret-pw@127.0.0.1:1/lectern', ['serve', '--listen', '127.0.0.1:1'], 1);
  assert.match(r.stderr, /cannot connect to PostgreSQL \(host 127\.0\.0\.1, port 1, database lectern, user lectern\): .*Connection refused/);
  assert.match(r.stderr, /is PostgreSQL running/);
  assert.ok(!r.stderr.includes('secret-pw'));

  r = lectern('postgres://lectern:secret-pw@[::1/lectern', ['init'], 1);
  assert.match(r.stderr, /the PostgreSQL URL is not valid/);
  assert.ok(!r.stderr.includes('secret-pw'));
  r = lectern('postgres://h/db?nonsense=1', ['init'], 1);
  assert.match(r.stderr, /invalid URI query parameter: "nonsense"/);
  r = lectern('mysql://u:secret-pw@h/db', ['init'], 1);
  assert.match(r.stderr, /the database URL is not understood/);
  assert.ok(!r.stderr.includes('secret-pw'));
});

test('init, user and audit work on a fresh database; the socket and key=value forms work too', { skip }, () => {
  const db = createTestDatabase();
  const init = lectern(db, ['init'], 0);
  assert.match(init.stdout, /Initialised Lectern in the database \(schema version \d+\)/);
  assert.match(init.stdout, /one-time password: \S+/);
  lectern(db, ['user', 'add', 'pat', '--email', 'pat@example.com', '--role', 'learner', '--password-stdin'], 0, { input: GOOD_PASSWORD + '\n' });
  const list = JSON.parse(lectern(db, ['user', 'list', '--json'], 0).stdout);
  assert.equal(list.total, 2);
  assert.match(lectern(db, ['audit', 'verify'], 0).stdout, /audit log intact: 2 entries/);
  // libpq's key=value form over the cluster's unix socket.
  const sock = process.env.LECTERN_TEST_PG_SOCKET;
  if (sock) {
    const u = new URL(db);
    const kv = `host=${sock} port=${u.port} dbname=${u.pathname.slice(1)} user=postgres`;
    assert.equal(JSON.parse(lectern(kv, ['user', 'list', '--json'], 0).stdout).total, 2);
  }
});

test('nodes that migrate at once apply each migration once', { skip }, async () => {
  const db = createTestDatabase();
  const runs = await Promise.all([0, 1, 2, 3].map(() => new Promise((resolve) => {
    const p = spawn(lecternBin(), ['migrate'], { env: { ...process.env, LECTERN_DB: db, LECTERN_DATA: '' } });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => resolve({ code, out }));
  })));
  for (const r of runs) assert.equal(r.code, 0, r.out);
  const all = runs.map((r) => r.out).join('\n');
  const known = Number(lectern(db, ['migrate', '--status'], 0).stdout.match(/known version: (\d+)/)[1]);
  for (let v = 1; v <= known; v++) {
    const applied = all.match(new RegExp(`migrate: applied ${String(v).padStart(4, "0")}_`, "g")) || [];
    assert.equal(applied.length, 1, `migration ${v} applied ${applied.length} times\n${all}`);
  }
  assert.equal(psql(db, 'SELECT COUNT(*) FROM schema_migrations'), String(known));
});

test('a database with a newer schema is refused and left as it was', { skip }, () => {
  const db = createTestDatabase();
  lectern(db, ['init'], 0);
  psql(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99999, '99999_future', 0)");
  const before = psql(db, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'");
  assert.match(lectern(db, ['migrate'], 1).stderr, /^lectern migrate: database schema version 99999 is newer than this Lectern \(knows up to \d+\); upgrade Lectern/m);
  assert.match(lectern(db, ['user', 'list'], 1).stderr, /newer than this Lectern/);
  assert.match(lectern(db, ['serve', '--listen', '127.0.0.1:1'], 1).stderr, /newer than this Lectern/);
  assert.equal(psql(db, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'"), before);
});

test('`lectern audit verify` finds a changed and a removed row on PostgreSQL', { skip }, () => {
  const db = createTestDatabase();
  lectern(db, ['init'], 0);
  for (const u of ['ann', 'bob', 'cy']) {
    lectern(db, ['user', 'add', u, '--email', `${u}@example.com`, '--role', 'learner', '--password-stdin'], 0, { input: GOOD_PASSWORD + '\n' });
  }
  lectern(db, ['audit', 'verify'], 0);
  psql(db, "UPDATE audit_log SET details = details || 'x' WHERE id = 2");
  assert.match(lectern(db, ['audit', 'verify'], 1).stderr, /audit log broken at entry 2: entry 2 was changed/);
  // A fresh database for the removal.
  const db2 = createTestDatabase();
  lectern(db2, ['init'], 0);
  for (const u of ['ann', 'bob']) {
    lectern(db2, ['user', 'add', u, '--email', `${u}@example.com`, '--role', 'learner', '--password-stdin'], 0, { input: GOOD_PASSWORD + '\n' });
  }
  psql(db2, 'DELETE FROM audit_log WHERE id = 2');
  assert.match(lectern(db2, ['audit', 'verify'], 1).stderr, /entry 2 is missing/);
});

test('`lectern backup` on PostgreSQL prints the pg_dump commands; they work as printed', { skip }, (t) => {
  const db = createTestDatabase();
  lectern(db, ['init'], 0);
  lectern(db, ['user', 'add', 'dana', '--email', 'dana@example.com', '--role', 'learner', '--password-stdin'], 0, { input: GOOD_PASSWORD + '\n' });
  const r = lectern(db, ['backup', 'ignored.db'], 1);
  assert.ok(!r.stderr.includes(password()), 'no password in the advice');
  assert.ok(!fs.existsSync('ignored.db'));
  const dumpLine = r.stderr.match(/^ {2}(pg_dump .*)$/m);
  const restoreLine = r.stderr.match(/^ {2}(pg_restore .*)$/m);
  assert.ok(dumpLine && restoreLine, r.stderr);
  assert.match(lectern(db, ['restore', 'x.db'], 1).stderr, /pg_restore/);

  // Run the printed commands (the password comes from PGPASSWORD, as the advice says).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-pgdump-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, PGPASSWORD: password() };
  const sh = (cmd) => {
    const x = spawnSync('sh', ['-c', cmd], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(x.status, 0, `${cmd}\n${x.stderr}`);
  };
  sh(dumpLine[1]);
  assert.ok(fs.statSync(path.join(dir, 'lectern.dump')).size > 0);
  const target = `lectern_restored_${Date.now()}`;
  psql(testPg, `CREATE DATABASE ${target} ENCODING 'UTF8' TEMPLATE template0`);
  const shownDb = new URL(db).pathname.slice(1);
  sh(restoreLine[1].replace(`/${shownDb}'`, `/${target}'`));
  const restored = withDb(testPg, target);
  assert.match(lectern(restored, ['audit', 'verify'], 0).stdout, /audit log intact: 2 entries/);
  assert.equal(JSON.parse(lectern(restored, ['user', 'show', 'dana', '--json'], 0).stdout).email, 'dana@example.com');
  // Ids keep counting after a restore (identity columns come back with their position).
  lectern(restored, ['user', 'add', 'eve', '--email', 'eve@example.com', '--role', 'learner', '--password-stdin'], 0, { input: GOOD_PASSWORD + '\n' });
});

test('jobs can be queued and listed from the command line', { skip }, () => {
  const db = createTestDatabase();
  lectern(db, ['init'], 0);
  assert.match(lectern(db, ['jobs', 'enqueue', 'noop'], 0).stdout, /^queued job 1 \(noop\)$/m);
  assert.match(lectern(db, ['jobs', 'enqueue', 'sleep', '--payload', '{"ms": 10}', '--max-attempts', '2'], 0).stdout, /queued job 2/);
  assert.match(lectern(db, ['jobs', 'enqueue', 'nope'], 2).stderr, /no job kind 'nope' \(kinds: noop, sleep/);
  const list = JSON.parse(lectern(db, ['jobs', 'list', '--json'], 0).stdout);
  assert.deepEqual(list.map((j) => [j.id, j.kind, j.state, j.max_attempts]), [[2, 'sleep', 'queued', 2], [1, 'noop', 'queued', 5]]);
  assert.equal(JSON.parse(lectern(db, ['jobs', 'show', '2', '--json'], 0).stdout).payload.ms, 10);
});
