// `lectern backup` and `lectern restore` on SQLite: a backup taken while a writer is busy is a
// consistent database (its audit chain verifies once restored); restore refuses a database in
// use, a file that is not a Lectern database, and one from a newer release; it keeps the
// database it replaces.
// Run: LECTERN_BIN=build/test/lectern node --test tests/cli/backup.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, adminToken, api, show, lecternBin, testPg, assertCleanShutdown } from '../lib/server.mjs';

const skip = testPg ? 'backup and restore are SQLite commands (PostgreSQL: tests/cli/pg.test.mjs)' : false;
const env = { ...process.env, LECTERN_DB: '', LECTERN_DATA: '', LECTERN_DEV_ASSETS: '' };
let server;
let tmp;

before(async () => {
  if (skip) return;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-backup-'));
  server = await startServer();
});
after(async () => {
  if (server) await server.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs lectern without blocking the event loop (the writer keeps going meanwhile). */
function lecternAsync(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(lecternBin(), args, { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('error', reject);
    p.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function lectern(args, expectCode) {
  const r = spawnSync(lecternBin(), args, { env, encoding: 'utf8', timeout: 60000 });
  if (expectCode !== undefined) {
    assert.equal(r.status, expectCode, `lectern ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

const out = (r) => `exit ${r.code ?? r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
const backups = [];

test('backups taken while a writer is busy restore to databases whose audit chain verifies', { skip }, async () => {
  const admin = await adminToken(server);
  let writing = true;
  let writes = 0;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      // Each of these appends to the audit log in its own transaction.
      const r = await api(server, 'POST', '/api/v1/users', {
        token: admin, body: { username: `w${i}`, email: `w${i}@example.com`, first_name: 'W', last_name: String(i), roles: ['learner'] },
      });
      assert.equal(r.status, 201, show(r));
      await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: `Site ${i}` } });
      writes += 2;
    }
  })();
  for (let k = 0; k < 3; k++) {
    await new Promise((r) => setTimeout(r, 300));
    const file = path.join(tmp, `backup-${k}.db`);
    const r = await lecternAsync(['--data', server.dataDir, 'backup', file]);
    assert.equal(r.code, 0, out(r));
    assert.match(r.stdout, /backed up the database in .* to .*backup-\d\.db \(\d+ KiB, schema version \d+\)/);
    backups.push(file);
  }
  writing = false;
  await writer;
  assert.ok(writes >= 6, `the writer wrote while the backups ran (${writes} writes)`);

  for (const file of backups) {
    assert.ok(!fs.existsSync(`${file}.partial`));
    const data = path.join(tmp, `restored-${path.basename(file)}`);
    const r = lectern(['--data', data, 'restore', file], 0);
    assert.match(r.stdout, /restored .* \(schema version \d+\)\naudit log intact: \d+ entries/);
    const v = lectern(['--data', data, 'audit', 'verify'], 0);
    assert.match(v.stdout, /audit log intact/);
  }
});

test('backup refuses to overwrite a file', { skip }, () => {
  const r = lectern(['--data', server.dataDir, 'backup', backups[0]], 1);
  assert.match(r.stderr, /already exists: choose a new file name/);
});

test('restore refuses while the database is in use, and files that are not Lectern databases', { skip }, () => {
  let r = lectern(['--data', server.dataDir, 'restore', backups[0]], 1);
  assert.match(r.stderr, /^lectern restore: the database .* is in use .*stop Lectern first/m);

  const junk = path.join(tmp, 'junk.db');
  fs.writeFileSync(junk, 'hello, this is not a database at all; nothing to see here\n'.repeat(3));
  const fresh = path.join(tmp, 'fresh');
  r = lectern(['--data', fresh, 'restore', junk], 1);
  assert.match(r.stderr, /is not a Lectern backup \(not an SQLite database\)/);
  r = lectern(['--data', fresh, 'restore', path.join(tmp, 'missing.db')], 1);
  assert.match(r.stderr, /cannot read .*missing\.db/);

  const other = path.join(tmp, 'other.db');
  const s = spawnSync('sqlite3', [other, 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'], { encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  r = lectern(['--data', fresh, 'restore', other], 1);
  assert.match(r.stderr, /is an SQLite database but not a Lectern database/);

  const newer = path.join(tmp, 'newer.db');
  fs.copyFileSync(backups[0], newer);
  const n = spawnSync('sqlite3', [newer, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99999, '99999_future', 0);"], { encoding: 'utf8' });
  assert.equal(n.status, 0, n.stderr);
  r = lectern(['--data', fresh, 'restore', newer], 1);
  assert.match(r.stderr, /schema version 99999, newer than this Lectern .*restore it with a newer release/);
  // Nothing was put in place by the refusals.
  assert.ok(!fs.existsSync(path.join(fresh, 'lectern.db')) || fs.statSync(path.join(fresh, 'lectern.db')).size === 0);
});

test('restore into a stopped data directory keeps the database it replaces', { skip }, async () => {
  const result = await server.stop({ keepDataDir: true });
  assertCleanShutdown(server, result);
  const r = lectern(['--data', server.dataDir, 'restore', backups[0]], 0);
  assert.match(r.stdout, /audit log intact/);
  assert.ok(fs.existsSync(path.join(server.dataDir, 'lectern.db.before-restore')));
  lectern(['--data', server.dataDir, 'audit', 'verify'], 0);
  // The kept database is the one from before: it has more users than the first backup.
  const count = (f) => spawnSync('sqlite3', [f, 'SELECT COUNT(*) FROM users'], { encoding: 'utf8' }).stdout.trim();
  assert.ok(Number(count(path.join(server.dataDir, 'lectern.db.before-restore'))) > Number(count(path.join(server.dataDir, 'lectern.db'))));
  fs.rmSync(server.dataDir, { recursive: true, force: true });
});
