// Graceful shutdown: a request in flight when SIGTERM arrives still gets its answer, the process
// exits 0, and what was written survives a restart on the same data directory.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import {
  startServer, api, show, signIn, adminToken, createUser, ADMIN_PASSWORD, assertCleanShutdown, shutdownProblems,
} from '../lib/server.mjs';

// Leaks are checked by every other suite's last test; here only the shutdown itself counts.
const env = { ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') };
const dirs = [];
const servers = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Sends POST path with `Expect: 100-continue`; once the server has read the headers (it answers
 *  "100 Continue"), calls onHeadersRead() and then sends the body. Resolves with the answer. */
function postWithContinue(server, path, body, onHeadersRead) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let answered = false;
    let sent = false;
    let sawContinue = false;
    const req = http.request({
      host: '127.0.0.1', port: server.port, path, method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(payload), expect: '100-continue' },
    }, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), sawContinue }));
    });
    const send = () => { if (!sent) { sent = true; onHeadersRead(); req.end(payload); } };
    req.on('continue', () => { sawContinue = true; send(); });
    // A server that does not answer 100 Continue: the client sends the body after a while anyway.
    const fallback = setTimeout(send, 3000);
    req.on('close', () => clearTimeout(fallback));
    req.on('error', (e) => { if (!answered) reject(e); });
    req.flushHeaders();
  });
}

test('a request in flight when SIGTERM arrives completes; the process exits 0', async (t) => {
  const server = await startServer({ env });
  servers.push(server);
  await adminToken(server);
  let signalled = false;
  const r = await postWithContinue(server, '/api/v1/sessions', { username: 'admin', password: ADMIN_PASSWORD }, () => {
    signalled = true;
    server.proc.kill('SIGTERM');
  });
  assert.ok(signalled);
  assert.equal(r.status, 201, `the in-flight sign-in after SIGTERM: ${r.status} ${r.text}\n(100 Continue seen: ${r.sawContinue})\n${server.output()}`);
  assert.equal(typeof JSON.parse(r.text).token, 'string');
  if (!r.sawContinue) t.diagnostic('no "100 Continue" seen: SIGTERM went out after a 3 s wait, with the request headers sent');
  assert.match(server.stderr(), /SIGTERM/i, 'the server logged the signal before answering');
  let timer;
  const exit = await Promise.race([server.exited, new Promise((res) => { timer = setTimeout(() => res(null), 10000); })]);
  clearTimeout(timer);
  assert.ok(exit, 'the process exits within 10 s of SIGTERM');
  assert.deepEqual(shutdownProblems(server, { ...exit, killed: false }), [], server.output());
  const after = await api(server, 'GET', '/healthz').catch((e) => ({ status: 'refused', code: e.code }));
  assert.equal(after.status, 'refused', 'nothing listens after the exit');
});

test('several concurrent requests in flight all complete on SIGTERM', async () => {
  const server = await startServer({ env });
  servers.push(server);
  await adminToken(server);
  let ready = 0;
  const n = 4;
  let release;
  const allRead = new Promise((res) => { release = res; });
  const reqs = [];
  for (let i = 0; i < n; i++) {
    reqs.push(postWithContinue(server, '/api/v1/sessions', { username: 'admin', password: ADMIN_PASSWORD }, () => {
      ready += 1;
      if (ready === n) { server.proc.kill('SIGTERM'); release(); }
    }));
  }
  const results = await Promise.all(reqs);
  await allRead;
  for (const r of results) assert.equal(r.status, 201, `${r.status} ${r.text}`);
  const exit = await server.exited;
  assert.equal(exit.code, 0, server.output());
});

test('an idle server exits 0 on SIGTERM without sanitizer reports', async () => {
  const server = await startServer({ env });
  servers.push(server);
  assertCleanShutdown(server, await server.stop());
});

test('a restart on the same data keeps users and passwords and prints no new one-time password', async () => {
  const first = await startServer({ env });
  servers.push(first);
  dirs.push(first.dataDir);
  const admin = await adminToken(first);
  await createUser(first, { username: 'kept', email: 'kept@example.com', first_name: 'Kept', last_name: 'K', roles: ['learner'], password: 'Silver-Brook-Tide-24' }, admin);
  assertCleanShutdown(first, await first.stop({ keepDataDir: true }));

  const second = await startServer({ env, dataDir: first.dataDir });
  servers.push(second);
  assert.equal(second.adminPassword, null, `a second start must not print a one-time password:\n${second.output()}`);
  const tok = await signIn(second, 'admin', ADMIN_PASSWORD);
  const u = await api(second, 'GET', '/api/v1/users/kept', { token: tok });
  assert.equal(u.status, 200, show(u));
  await signIn(second, 'kept', 'Silver-Brook-Tide-24');
  assert.doesNotMatch(second.stdout(), /one-time password/, 'no one-time password on a restart');
  // SIGINT stops it as cleanly as SIGTERM.
  second.proc.kill('SIGINT');
  const exit = await second.exited;
  assert.deepEqual(shutdownProblems(second, { ...exit, killed: false }), [], second.output());
});
