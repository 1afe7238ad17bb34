// The lectern command line, end to end: spawns the binary (LECTERN_BIN, default
// build/test/lectern) against a fresh data directory per test.
// Run: LECTERN_BIN=build/test/lectern node --test tests/cli/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../lib/cli.mjs';

const BIN = path.resolve(process.env.LECTERN_BIN || 'build/test/lectern');
const COMMANDS = ['serve', 'init', 'migrate', 'user', 'audit', 'maintenance', 'routes', 'version'];
const USER_SUBCOMMANDS = ['add', 'list', 'show', 'passwd', 'unlock', 'suspend', 'reactivate'];
const GOOD_PASSWORD = 'vivid-Orbit-7291-canal';

// A fresh temporary directory, removed when the test ends; the data directory is inside it.
function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-cli-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Runs `lectern --data DIR ...` and checks the exit code, showing the output when it differs.
function lectern(data, args, expectCode, opts) {
  const r = run(['--data', data, ...args], opts);
  if (expectCode !== undefined) {
    assert.equal(r.code, expectCode,
      `lectern ${args.join(' ')}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r;
}

function initialised(t) {
  const data = path.join(tmpdir(t), 'data');
  lectern(data, ['init'], 0);
  return data;
}

function addUser(data, username, extra = []) {
  return lectern(data, ['user', 'add', username, '--email', `${username}@example.com`,
    '--role', 'learner', '--password-stdin', ...extra], 0, { input: GOOD_PASSWORD + '\n' });
}

function showJson(data, username) {
  return JSON.parse(lectern(data, ['user', 'show', username, '--json'], 0).stdout);
}

function otpFrom(stdout) {
  const m = stdout.match(/one-time password: (\S+)/);
  assert.ok(m, `no one-time password in:\n${stdout}`);
  return m[1];
}

// ---- usage ----

test('--help lists every command with a summary', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} +\\S`, 'm'));
  assert.equal(r.stderr, '');
  assert.equal(run(['help']).stdout, r.stdout);
});

test('no arguments prints usage on stderr and exits 2', () => {
  const r = run([]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /usage: lectern/);
});

test('every command and subcommand has --help on stdout with exit 0, no data directory needed', (t) => {
  const data = path.join(tmpdir(t), 'missing');
  const cases = [...COMMANDS.filter((c) => c !== 'serve').map((c) => [c]),
    ...USER_SUBCOMMANDS.map((s) => ['user', s]), ['audit', 'verify'], ['audit', 'tail']];
  for (const args of cases) {
    for (const flag of ['--help', '-h']) {
      const r = lectern(data, [...args, flag], 0);
      assert.match(r.stdout, /usage: lectern/, `${args.join(' ')} ${flag}`);
    }
  }
  // serve's --help must exit 0 too.
  assert.equal(lectern(data, ['serve', '--help']).code, 0);
  assert.match(lectern(data, ['help', 'user'], 0).stdout, /usage: lectern user/);
  assert.equal(fs.existsSync(data), false, '--help must not create the data directory');
});

test('unknown commands and options exit 2 with a message on stderr', (t) => {
  const data = initialised(t);
  for (const args of [['frobnicate'], ['--frobnicate'], ['user', 'frobnicate'],
    ['user', 'list', '--frobnicate'], ['audit', 'frobnicate'], ['audit', 'tail', '-n', 'lots'],
    ['migrate', 'extra'], ['user', 'show'], ['user', 'add', 'zoe', '--role', 'learner'],
    ['user', 'list', '--page'], ['version', 'extra'], ['routes', 'extra'], ['help', 'frobnicate']]) {
    const r = lectern(data, args, 2);
    assert.notEqual(r.stderr, '', `${args.join(' ')} says nothing`);
    assert.equal(r.stdout, '');
  }
  assert.match(lectern(data, ['frobnicate'], 2).stderr, /'frobnicate' is not a lectern command/);
  assert.match(lectern(data, ['user', 'list', '--frobnicate'], 2).stderr,
    /unknown option '--frobnicate'/);
  assert.match(run(['--data']).stderr, /--data needs a directory/);
  assert.equal(run(['--data']).code, 2);
});

test('routes prints the route table as JSON: method, pattern and capability of each, none twice', () => {
  const r = run(['routes']);
  assert.equal(r.code, 0, r.stderr);
  const routes = JSON.parse(r.stdout);
  assert.ok(routes.length > 100, `${routes.length} routes`);
  for (const x of routes) {
    assert.deepEqual(Object.keys(x).sort(), ['capability', 'method', 'pattern']);
    assert.match(x.method, /^(GET|POST|PUT|PATCH|DELETE)$/);
    assert.match(x.pattern, /^\//);
    assert.notEqual(x.capability, 'unknown', `${x.method} ${x.pattern}`);
  }
  const key = (x) => `${x.method} ${x.pattern}`;
  assert.equal(new Set(routes.map(key)).size, routes.length);
  const users = routes.find((x) => key(x) === 'GET /api/v1/users/{username:name}');
  assert.equal(users.capability, 'users.view');
  assert.equal(routes.find((x) => key(x) === 'GET /healthz').capability, 'public');
});

test('version and --version print "lectern VERSION"', () => {
  const a = run(['version']);
  const b = run(['--version']);
  assert.equal(a.code, 0);
  assert.equal(b.code, 0);
  assert.match(a.stdout, /^lectern \S+\n$/);
  assert.equal(a.stdout, b.stdout);
  const file = path.resolve(path.dirname(BIN), '../../VERSION');
  if (fs.existsSync(file)) assert.equal(a.stdout, `lectern ${fs.readFileSync(file, 'utf8').trim()}\n`);
});

// ---- init and migrate ----

test('init creates the data directory and prints a one-time password once', (t) => {
  const data = path.join(tmpdir(t), 'nested', 'data');
  const r = lectern(data, ['init'], 0);
  assert.ok(fs.statSync(data).isDirectory());
  assert.match(r.stdout, /Administrator account created\./);
  assert.match(r.stdout, /username: admin\n/);
  const otp = otpFrom(r.stdout);
  assert.ok(otp.length >= 12, `one-time password '${otp}' is too short`);
  assert.match(r.stdout, /choose a new password/);

  const admin = showJson(data, 'admin');
  assert.equal(admin.username, 'admin');
  assert.equal(admin.email, 'admin@localhost');
  assert.ok(!JSON.stringify(admin).includes(otp), 'user show must not reveal the password');
  assert.ok(!JSON.stringify(admin).includes('argon2'), 'user show must not reveal the hash');
});

test('a second init changes nothing and says so', (t) => {
  const data = initialised(t);
  const dump = () => sqliteDump(data);
  const before = dump();
  const r = lectern(data, ['init'], 0);
  assert.match(r.stdout, /already initialised/);
  assert.doesNotMatch(r.stdout, /one-time password/);
  assert.equal(dump(), before);
  const list = JSON.parse(lectern(data, ['user', 'list', '--json'], 0).stdout);
  assert.equal(list.total, 1);
});

function sqliteDump(data) {
  const r = spawnSync('sqlite3', [path.join(data, 'lectern.db'), '.dump'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function sqlite(data, sql) {
  const r = spawnSync('sqlite3', [path.join(data, 'lectern.db'), sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('migrate reports the schema version; --status applies nothing', (t) => {
  const data = initialised(t);
  const s = lectern(data, ['migrate', '--status'], 0);
  const current = Number(s.stdout.match(/current version: (\d+)/)?.[1]);
  const known = Number(s.stdout.match(/known version: (\d+)/)?.[1]);
  assert.ok(current >= 1, s.stdout);
  assert.equal(current, known);
  assert.match(s.stdout, /up to date/);
  const m = lectern(data, ['migrate'], 0);
  assert.match(m.stdout, new RegExp(`schema at version ${known}\\n$`));
});

test('migrate --status shows pending migrations; a newer database is refused', (t) => {
  const data = initialised(t);
  const known = Number(lectern(data, ['migrate', '--status'], 0).stdout.match(/known version: (\d+)/)[1]);
  // Forget the newest migration: --status reports it pending and applies nothing.
  sqlite(data, `DELETE FROM schema_migrations WHERE version = ${known}`);
  const s = lectern(data, ['migrate', '--status'], 0);
  assert.match(s.stdout, /1 migration pending: run 'lectern migrate'/);
  const before = sqlite(data, 'SELECT COUNT(*) FROM schema_migrations');
  lectern(data, ['migrate', '--status'], 0);
  assert.equal(sqlite(data, 'SELECT COUNT(*) FROM schema_migrations'), before);
  sqlite(data, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${known}, 'x', 0)`);

  // A schema from a newer release: status says so; everything else refuses to touch it.
  sqlite(data, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99999, '99999_future', 0)");
  assert.match(lectern(data, ['migrate', '--status'], 0).stdout, /newer than this binary/);
  assert.match(lectern(data, ['migrate'], 1).stderr, /^lectern migrate: .*newer/m);
  assert.match(lectern(data, ['user', 'list'], 1).stderr, /^lectern: .*newer/m);
});

// ---- users ----

test('user add --password-stdin then user show --json shows the user', (t) => {
  const data = initialised(t);
  const r = lectern(data, ['user', 'add', 'ada', '--email', 'ada@example.com', '--role', 'learner',
    '--role', 'instructor,manager', '--first', 'Ada', '--last', 'Lovelace', '--password-stdin'], 0,
  { input: GOOD_PASSWORD + '\r\n' });
  assert.match(r.stdout, /User 'ada' created/);
  assert.doesNotMatch(r.stdout, /one-time password/);
  const u = showJson(data, 'ada');
  assert.equal(u.username, 'ada');
  assert.equal(u.email, 'ada@example.com');
  assert.equal(u.first_name, 'Ada');
  assert.equal(u.last_name, 'Lovelace');
  const roles = JSON.stringify(u.roles);
  for (const role of ['learner', 'instructor', 'manager']) assert.ok(roles.includes(role), roles);
  assert.ok(!roles.includes('admin'), roles);
  assert.equal(u.must_change_password, false);
  assert.ok(!JSON.stringify(u).includes(GOOD_PASSWORD));

  const text = lectern(data, ['user', 'show', 'ada'], 0).stdout;
  assert.match(text, /username: +ada\n/);
  assert.match(text, /name: +Ada Lovelace\n/);
  assert.match(text, /status: +active\n/);
});

test('a weak password on stdin exits 1 with the policy message and creates no one', (t) => {
  const data = initialised(t);
  const r = lectern(data, ['user', 'add', 'weak', '--email', 'weak@example.com', '--role',
    'learner', '--password-stdin'], 1, { input: 'short\n' });
  assert.match(r.stderr, /^lectern user add: .*password/im);
  assert.equal(r.stdout, '');
  assert.match(lectern(data, ['user', 'show', 'weak'], 1).stderr, /no user named 'weak'/);

  const empty = lectern(data, ['user', 'add', 'weak', '--email', 'weak@example.com', '--role',
    'learner', '--password-stdin'], 1, { input: '' });
  assert.match(empty.stderr, /no password on standard input/);
});

test('user add without --password-stdin prints a one-time password that must be changed', (t) => {
  const data = initialised(t);
  const r = lectern(data, ['user', 'add', 'bea', '--email', 'bea@example.com', '--role', 'learner'], 0);
  const otp = otpFrom(r.stdout);
  assert.ok(otp.length >= 12);
  assert.match(r.stdout, /username: bea\n/);
  assert.equal(showJson(data, 'bea').must_change_password, true);
});

test('bad user input exits 1 and names the problem', (t) => {
  const data = initialised(t);
  addUser(data, 'cal');
  const dup = lectern(data, ['user', 'add', 'cal', '--email', 'other@example.com', '--role',
    'learner', '--password-stdin'], 1, { input: GOOD_PASSWORD + '\n' });
  assert.match(dup.stderr, /^lectern user add: /);
  assert.equal(dup.stdout, '');

  const role = lectern(data, ['user', 'add', 'dee', '--email', 'dee@example.com', '--role',
    'wizard', '--password-stdin'], 1, { input: GOOD_PASSWORD + '\n' });
  assert.match(role.stderr, /^lectern user add: /);

  for (const sub of ['show', 'passwd', 'unlock', 'suspend', 'reactivate']) {
    const r = lectern(data, ['user', sub, 'bob'], 1);
    assert.match(r.stderr, /no user named 'bob'/, sub);
  }
  const list = JSON.parse(lectern(data, ['user', 'list', '--json'], 0).stdout);
  assert.equal(list.total, 2);
});

test('user suspend, reactivate and unlock change the account', (t) => {
  const data = initialised(t);
  addUser(data, 'eve');
  assert.match(lectern(data, ['user', 'suspend', 'eve'], 0).stdout, /Suspended 'eve'/);
  assert.equal(showJson(data, 'eve').status, 'suspended');
  assert.match(lectern(data, ['user', 'reactivate', 'eve'], 0).stdout, /Reactivated 'eve'/);
  assert.equal(showJson(data, 'eve').status, 'active');

  // Lock the account as failed sign-ins would, then lift it.
  const future = Math.floor(Date.now() / 1000) + 3600;
  sqlite(data, `UPDATE users SET locked_until=${future} WHERE username='eve'`);
  assert.match(lectern(data, ['user', 'show', 'eve'], 0).stdout, /locked: +until /);
  assert.match(lectern(data, ['user', 'unlock', 'eve'], 0).stdout, /Unlocked 'eve'/);
  assert.match(lectern(data, ['user', 'show', 'eve'], 0).stdout, /locked: +no\n/);
});

test('user passwd sets a password from stdin or a one-time one', (t) => {
  const data = initialised(t);
  addUser(data, 'fay');
  const r = lectern(data, ['user', 'passwd', 'fay'], 0);
  otpFrom(r.stdout);
  assert.equal(showJson(data, 'fay').must_change_password, true);
  lectern(data, ['user', 'passwd', 'fay', '--password-stdin'], 0, { input: 'another-Good-pass-8841\n' });
  assert.equal(showJson(data, 'fay').must_change_password, false);
  const weak = lectern(data, ['user', 'passwd', 'fay', '--password-stdin'], 1, { input: 'x\n' });
  assert.match(weak.stderr, /^lectern user passwd: .*password/im);
  lectern(data, ['user', 'passwd', 'fay', '--must-change'], 2);
});

test('user list prints a table or JSON, with search and pages', (t) => {
  const data = initialised(t);
  for (const name of ['gil', 'hal', 'ivy']) addUser(data, name);
  const list = JSON.parse(lectern(data, ['user', 'list', '--json'], 0).stdout);
  assert.equal(list.total, 4);
  assert.equal(list.page, 1);
  assert.deepEqual(list.items.map((u) => u.username).sort(), ['admin', 'gil', 'hal', 'ivy']);
  assert.equal(list.next, null);

  const paged = JSON.parse(lectern(data, ['user', 'list', '--json', '--per-page', '3'], 0).stdout);
  assert.equal(paged.items.length, 3);
  assert.equal(paged.next, 2);

  const found = JSON.parse(lectern(data, ['user', 'list', '--search', 'hal', '--json'], 0).stdout);
  assert.deepEqual(found.items.map((u) => u.username), ['hal']);

  const table = lectern(data, ['user', 'list'], 0).stdout.split('\n');
  assert.match(table[0], /^USERNAME +NAME +EMAIL +ROLES +STATUS +LOCKED$/);
  const col = table[0].indexOf('EMAIL');
  const gil = table.find((l) => l.startsWith('gil '));
  assert.equal(gil.indexOf('gil@example.com'), col, 'columns line up');
  assert.match(lectern(data, ['user', 'list', '--search', 'nobody'], 0).stdout, /No users match/);
  lectern(data, ['user', 'list', '--page', '0'], 2);
});

test('global options work after the command name too', (t) => {
  const data = initialised(t);
  const r = run(['user', 'list', '--json', '--data', data]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).total, 1);
  const e = run(['user', 'list', `--data=${data}`, '--json'], {});
  assert.equal(e.code, 0, e.stderr);
  const viaEnv = run(['user', 'list', '--json'], { env: { LECTERN_DATA: data } });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
});

// ---- audit ----

test('audit verify passes after CLI actions and names the entry that was tampered with', (t) => {
  const data = initialised(t);
  addUser(data, 'jon');
  lectern(data, ['user', 'add', 'kim', '--email', 'kim@example.com', '--role', 'learner'], 0);
  lectern(data, ['user', 'suspend', 'jon'], 0);
  lectern(data, ['user', 'reactivate', 'jon'], 0);
  lectern(data, ['user', 'unlock', 'jon'], 0);
  lectern(data, ['user', 'passwd', 'kim'], 0);

  const ok = lectern(data, ['audit', 'verify'], 0);
  const n = Number(ok.stdout.match(/^audit log intact: (\d+) entr(y|ies)\n$/)?.[1]);
  assert.ok(n >= 2, ok.stdout);

  const tail = JSON.parse(lectern(data, ['audit', 'tail', '-n', '3', '--json'], 0).stdout);
  assert.equal(tail.length, 3);
  const text = lectern(data, ['audit', 'tail'], 0).stdout;
  assert.match(text, /^TIME +ACTOR +ACTION +TARGET +DETAILS\n/);
  assert.match(text, /system/);
  assert.equal(text.trim().split('\n').length, Math.min(n, 20) + 1);

  sqlite(data, `UPDATE audit_log SET details='{"tampered":true}' WHERE id=2`);
  const bad = lectern(data, ['audit', 'verify'], 1);
  assert.match(bad.stderr, /audit log broken at entry 2: \S/);
});

test('audit tail on a fresh install shows the bootstrap entries', (t) => {
  const data = initialised(t);
  const r = lectern(data, ['audit', 'tail', '--lines=5', '--json'], 0);
  assert.ok(Array.isArray(JSON.parse(r.stdout)));
});

// ---- environment errors ----

test('a data directory that is a file is a clear error', (t) => {
  const file = path.join(tmpdir(t), 'not-a-dir');
  fs.writeFileSync(file, 'hello');
  for (const args of [['init'], ['user', 'list'], ['migrate'], ['audit', 'verify']]) {
    const r = lectern(file, args, 1);
    assert.match(r.stderr, /is not a directory/, args.join(' '));
  }
  assert.equal(fs.readFileSync(file, 'utf8'), 'hello');
});

test('commands other than init refuse a data directory that was never initialised', (t) => {
  const data = path.join(tmpdir(t), 'data');
  const r = lectern(data, ['user', 'list'], 1);
  assert.match(r.stderr, /lectern init/);
  assert.equal(fs.existsSync(data), false);
  fs.mkdirSync(data);
  assert.match(lectern(data, ['audit', 'verify'], 1).stderr, /lectern init/);
});

test('a postgres URL is a clear error until that engine exists', (t) => {
  const data = path.join(tmpdir(t), 'data');
  for (const args of [['init'], ['user', 'list']]) {
    const r = run(['--data', data, '--db', 'postgres://lectern@localhost/lectern', ...args]);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^lectern: cannot open the database: \S/);
  }
});

test('a missing --dev-assets directory is a clear error', (t) => {
  const data = initialised(t);
  const r = lectern(data, ['--dev-assets', path.join(data, 'nope'), 'user', 'list'], 1);
  assert.match(r.stderr, /--dev-assets .* is not a directory/);
});

test('jobs run runs one job here and now, outside the queue, with its result and time as JSON', (t) => {
  const data = path.join(tmpdir(t), 'data');
  lectern(data, ['init'], 0);
  const noop = JSON.parse(lectern(data, ['jobs', 'run', 'noop'], 0).stdout);
  assert.equal(noop.kind, 'noop');
  assert.equal(typeof noop.ms, 'number');
  const scan = JSON.parse(lectern(data, ['jobs', 'run', 'schedules.reminders'], 0).stdout);
  assert.deepEqual(scan.result, { sent: 0 }, 'no programme: nothing to remind');
  assert.match(lectern(data, ['jobs', 'list'], 0).stdout, /No jobs\./, 'nothing was queued');
  assert.match(lectern(data, ['jobs', 'run', 'nope'], 2).stderr, /no job kind 'nope' \(kinds: noop/);
  assert.match(lectern(data, ['jobs', 'run', 'noop', '--payload', '[1]'], 2).stderr, /must be a JSON object/);
});
