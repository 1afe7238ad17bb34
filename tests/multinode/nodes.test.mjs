// Two `lectern serve` nodes on one PostgreSQL database, as behind a load balancer: they start
// together (migrating once), a session made on one works on the other and follows changes made
// on the other at once (a "log in as" session too), as does a dashboard, failed sign-ins on both
// count toward one wait,
// concurrent writes on both keep one valid audit chain, a job queued once runs exactly once with
// both nodes' workers running, and a job whose node is killed mid-job is finished by the other
// node once its lease runs out.
// Needs LECTERN_TEST_PG (scripts/pg-test-cluster.sh sets it); skipped without it.
// Run: scripts/pg-test-cluster.sh make multinode
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, createTestDatabase, api, show, signIn, adminToken, createUser, assertCleanShutdown,
  lecternBin, poll, testPg, ADMIN_PASSWORD,
} from '../lib/server.mjs';

const skip = !testPg && 'LECTERN_TEST_PG is not set (run under scripts/pg-test-cluster.sh)';
// Short enough for a quick takeover test, long enough that a worker's heartbeat (every third of
// the lease) survives the stalls of a loaded two-core machine running sanitizer builds.
const LEASE_S = 4;
const ADDRESS_LIMIT = 16;
let db;
let a;
let b;
const dirs = [];

function nodeArgs(name) {
  // The address limit is low enough to fill in a test (the failures the tests make from
  // 127.0.0.1 stay below it); the nodes believe X-Forwarded-For from the test, their proxy.
  return ['--node-name', name, '--job-lease', String(LEASE_S), '--job-poll', '100', '--lockout-threshold', '5',
    '--signin-limit', String(ADDRESS_LIMIT), '--signin-limit-window', '3600', '--trusted-proxy', '127.0.0.1'];
}

before(async () => {
  if (skip) return;
  db = createTestDatabase('lectern_nodes');
  for (let i = 0; i < 2; i++) dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-node-')));
  // Both start at once on an empty database.
  [a, b] = await Promise.all([
    startServer({ env: { LECTERN_DB: db }, dataDir: dirs[0], args: nodeArgs('node-a') }),
    startServer({ env: { LECTERN_DB: db }, dataDir: dirs[1], args: nodeArgs('node-b') }),
  ]);
});

after(async () => {
  for (const s of [a, b]) if (s) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function lectern(args, expectCode) {
  const r = spawnSync(lecternBin(), args, {
    encoding: 'utf8', timeout: 60000, env: { ...process.env, LECTERN_DB: db, LECTERN_DATA: '' },
  });
  if (expectCode !== undefined) {
    assert.equal(r.status, expectCode, `lectern ${args.join(' ')}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

const jobShow = (id) => JSON.parse(lectern(['jobs', 'show', String(id), '--json'], 0).stdout);
const starts = (server, id, kind) => (server.stderr().match(new RegExp(`job ${id} \\(${kind}\\) started by`, 'g')) || []).length;

test('two nodes start together on one new database: one migrates, one creates the administrator', { skip }, () => {
  const both = a.stderr() + b.stderr();
  assert.equal((both.match(/migrate: applied 0001_init/g) || []).length, 1, both);
  const otps = [a, b].filter((s) => s.adminPassword);
  assert.equal(otps.length, 1, 'exactly one node printed the one-time password');
  // adminToken() needs the password on the server object it signs in to.
  a.adminPassword = b.adminPassword = otps[0].adminPassword;
  assert.match(a.stderr(), /jobs: 2 workers on node node-a/);
  assert.match(b.stderr(), /jobs: 2 workers on node node-b/);
});

test('a session made on one node works on the other; signing out on one ends it on both', { skip }, async () => {
  const token = await adminToken(a);
  b.adminPasswordChanged = true;
  const me = await api(b, 'GET', '/api/v1/me', { token });
  assert.equal(me.status, 200, show(me));
  assert.equal(me.json.username, 'admin');
  const t2 = await signIn(b, 'admin', ADMIN_PASSWORD);
  assert.equal((await api(a, 'GET', '/api/v1/me', { token: t2 })).status, 200);
  const out = await api(a, 'DELETE', '/api/v1/sessions/current', { token: t2 });
  assert.ok([200, 204].includes(out.status), show(out));
  assert.equal((await api(b, 'GET', '/api/v1/me', { token: t2 })).status, 401);
});

test('a node holding a session in memory sees a change made on the other node at once', { skip }, async () => {
  const admin = await adminToken(a);
  await createUser(a, { username: 'noor', email: 'noor@example.com', first_name: 'Noor', last_name: 'N', roles: ['admin'], password: 'Cobalt-Fennel-Dune-58' }, admin);
  const token = await signIn(a, 'noor', 'Cobalt-Fennel-Dune-58');
  for (let i = 0; i < 2; i++) assert.equal((await api(b, 'GET', '/api/v1/users', { token })).status, 200);
  const demoted = await api(a, 'PATCH', '/api/v1/users/noor', { token: admin, body: { roles: ['learner'] } });
  assert.equal(demoted.status, 200, show(demoted));
  assert.equal((await api(b, 'GET', '/api/v1/users', { token })).status, 403, 'node b still knew her as an administrator');
  assert.equal((await api(b, 'GET', '/api/v1/dashboard', { token })).status, 200);
  const out = await api(a, 'DELETE', '/api/v1/sessions/current', { token });
  assert.equal(out.status, 200, show(out));
  assert.equal((await api(b, 'GET', '/api/v1/dashboard', { token })).status, 401, 'node b still let the signed-out session in');
});

test('a log-in-as session held in memory on one node ends at once when its administrator is suspended on the other', { skip }, async () => {
  const admin = await adminToken(a);
  const PW = 'Quartz-Heron-Maple-36';
  await createUser(a, { username: 'helen', email: 'helen@example.com', roles: ['admin'], password: PW }, admin);
  await createUser(a, { username: 'liam', email: 'liam@example.com', roles: ['learner'], password: PW }, admin);
  const helen = await signIn(a, 'helen', PW);
  const r = await api(a, 'POST', '/api/v1/users/liam/impersonate', { token: helen });
  assert.equal(r.status, 201, show(r));
  for (let i = 0; i < 2; i++) assert.equal((await api(b, 'GET', '/api/v1/me', { token: r.json.token })).status, 200);
  const suspended = await api(a, 'POST', '/api/v1/users/helen/suspend', { token: admin });
  assert.equal(suspended.status, 200, show(suspended));
  const me = await api(b, 'GET', '/api/v1/me', { token: r.json.token });
  assert.equal(me.status, 401, `node b still let the session in: ${show(me)}`);
  assert.equal(me.json.error.code, 'impersonation_ended');
});

test('a dashboard on one node shows a course renamed on the other at once', { skip }, async () => {
  const admin = await adminToken(a);
  await createUser(a, { username: 'ines', email: 'ines@example.com', first_name: 'Ines', last_name: 'I', roles: ['learner'], password: 'Walnut-Prism-Harbor-64' }, admin);
  const token = await signIn(b, 'ines', 'Walnut-Prism-Harbor-64');
  assert.equal((await api(a, 'POST', '/api/v1/courses', { token: admin, body: { code: 'NODE-1', title: 'Before', status: 'published' } })).status, 201);
  assert.equal((await api(a, 'POST', '/api/v1/courses/NODE-1/enrolments', { token: admin, body: { username: 'ines' } })).status, 201);
  const titles = async () => (await api(b, 'GET', '/api/v1/me/dashboard', { token })).json.learner.courses.map((c) => `${c.code} ${c.title}`);
  for (let i = 0; i < 2; i++) assert.deepEqual(await titles(), ['NODE-1 Before']);
  const r = await api(a, 'PATCH', '/api/v1/courses/NODE-1', { token: admin, body: { title: 'After' } });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await titles(), ['NODE-1 After']);
});

test('failed sign-ins on both nodes count toward one wait, and from one address toward one limit', { skip }, async () => {
  const admin = await adminToken(a);
  await createUser(a, { username: 'lou', email: 'lou@example.com', first_name: 'Lou', last_name: 'L', roles: ['learner'], password: 'Juniper-Quartz-77-x' }, admin);
  const results = await Promise.all([a, b, a, b, a].map((s) => api(s, 'POST', '/api/v1/sessions', { body: { username: 'lou', password: 'Wrong-Password-123' } })));
  for (const r of results) assert.equal(r.status, 401, show(r));
  // Five failures across the two nodes: both make lou wait, even with the right password.
  for (const s of [b, a]) {
    const r = await api(s, 'POST', '/api/v1/sessions', { body: { username: 'lou', password: 'Juniper-Quartz-77-x' } });
    assert.equal(r.status, 429, show(r));
    assert.ok(Number(r.headers['retry-after']) > 0, show(r));
  }
  const u = await api(b, 'GET', '/api/v1/users/lou', { token: admin });
  assert.equal(u.status, 200, show(u));
  assert.equal(u.json.user.locked, true, show(u));
  const audit = await api(a, 'GET', '/api/v1/audit?limit=100', { token: admin });
  const locks = audit.json.items.filter((e) => e.action === 'user.locked' && e.target === `user:${u.json.user.id}`);
  assert.equal(locks.length, 1, `one wait, not one per node: ${JSON.stringify(locks)}`);
  // The per-address limit is one count too: failures on either node fill it, and then both
  // refuse the address (one behind the trusted proxy, so the other tests' address is spared).
  const from = { 'X-Forwarded-For': '203.0.113.77' };
  for (let i = 0; i < ADDRESS_LIMIT; i++) {
    const r = await api([a, b][i % 2], 'POST', '/api/v1/sessions', { body: { username: `x${i}`, password: 'Wrong-Password-123' }, headers: from });
    assert.equal(r.status, 401, show(r));
  }
  for (const s of [a, b]) {
    const r = await api(s, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: ADMIN_PASSWORD }, headers: from });
    assert.equal(r.status, 429, show(r));
  }
  assert.equal((await api(b, 'POST', '/api/v1/sessions', { body: { username: 'admin', password: ADMIN_PASSWORD } })).status, 201);
});

test('both nodes append to the audit log at once and `lectern audit verify` passes', { skip }, async () => {
  const admin = await adminToken(a);
  const requests = [];
  for (let i = 0; i < 24; i++) {
    const s = i % 2 ? b : a;
    if (i % 3 === 0) requests.push(api(s, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: `Site ${i}` } }));
    else if (i % 3 === 1) requests.push(api(s, 'POST', '/api/v1/users', { token: admin, body: { username: `c${i}`, email: `c${i}@example.com`, first_name: 'C', last_name: String(i), roles: ['learner'] } }));
    else requests.push(api(s, 'POST', '/api/v1/sessions', { body: { username: `nobody${i}`, password: 'Wrong-Password-123' } }));
  }
  const results = await Promise.all(requests);
  for (const r of results) assert.ok([200, 201, 401].includes(r.status), show(r));
  const v = lectern(['audit', 'verify'], 0);
  const n = Number(v.stdout.match(/audit log intact: (\d+) entries/)?.[1]);
  assert.ok(n >= 24, v.stdout);
});

test('a job queued once runs exactly once with both nodes working', { skip }, async () => {
  const ids = [];
  for (let i = 0; i < 12; i++) ids.push(Number(lectern(['jobs', 'enqueue', i % 2 ? 'noop' : 'sleep', '--payload', '{"ms": 150}'], 0).stdout.match(/queued job (\d+)/)[1]));
  await poll(() => ids.every((id) => jobShow(id).state === 'done'), { timeoutMs: 30000, intervalMs: 200, what: 'all jobs done' });
  // The nodes' logs arrive through pipes: wait until every job's "done" line has been read.
  const doneLines = () => (a.stderr() + b.stderr()).match(/info job \d+ \((noop|sleep)\) done by/g) || [];
  await poll(async () => { await new Promise((r) => setTimeout(r, 20)); return doneLines().length >= ids.length; }, { timeoutMs: 10000, what: 'the nodes\' log lines' });
  const by = { 'node-a': 0, 'node-b': 0 };
  for (const [i, id] of ids.entries()) {
    const j = jobShow(id);
    const kind = i % 2 ? 'noop' : 'sleep';
    assert.equal(j.attempts, 1, JSON.stringify(j));
    assert.equal(starts(a, id, kind) + starts(b, id, kind), 1, `job ${id} started once in all\n${a.stderr()}\n${b.stderr()}`);
    by[j.result.node]++;
  }
  assert.equal(by['node-a'] + by['node-b'], ids.length);
});

test('a node killed mid-job: the other node finishes the job after the lease runs out', { skip }, async () => {
  const id = Number(lectern(['jobs', 'enqueue', 'sleep', '--payload', '{"ms": 3000}'], 0).stdout.match(/queued job (\d+)/)[1]);
  const running = await poll(() => { const j = jobShow(id); return j.state === 'running' && j.lease_owner ? j : null; }, { timeoutMs: 10000, intervalMs: 50, what: 'the job to start' });
  const [victim, survivor] = running.lease_owner.startsWith('node-a/') ? [a, b] : [b, a];
  victim.proc.kill('SIGKILL');
  await victim.exited;
  const killedAt = Date.now();
  const done = await poll(() => { const j = jobShow(id); return j.state === 'done' ? j : null; }, { timeoutMs: 30000, intervalMs: 200, what: 'the other node to finish the job' });
  assert.equal(done.attempts, 2, JSON.stringify(done));
  assert.equal(done.result.node, survivor === a ? 'node-a' : 'node-b');
  assert.ok(Date.now() - killedAt >= 2000, 'taken over only after the lease ran out');
  assert.equal(starts(survivor, id, 'sleep'), 1);
  // The surviving node still serves, and stops cleanly.
  assert.equal((await api(survivor, 'GET', '/healthz')).status, 200);
  assertCleanShutdown(survivor, await survivor.stop());
  lectern(['audit', 'verify'], 0);
});
