// Health check, unknown routes and wrong methods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, assertCleanShutdown } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { if (server) await server.stop(); });

test('GET /healthz answers 200 {"status":"ok", "schema_version": N} without sign-in', async () => {
  const r = await api(server, 'GET', '/healthz');
  assert.equal(r.status, 200, show(r));
  assert.match(r.headers['content-type'] || '', /application\/json/);
  assert.equal(r.json?.status, 'ok', show(r));
  assert.ok(Number.isInteger(r.json.schema_version) && r.json.schema_version >= 1, show(r));
});

test('the first start prints the administrator\'s one-time password on stdout', () => {
  assert.ok(server.adminPassword, `no line matching /one-time password:\\s*(\\S+)/ on stdout\n${server.output()}`);
  assert.ok(server.adminPassword.length >= 12, 'the one-time password passes the policy (>= 12 characters)');
});

test('every response carries X-Lectern-Queries', async () => {
  for (const [method, path] of [['GET', '/healthz'], ['GET', '/api/v1/me'], ['GET', '/api/v1/nope']]) {
    const r = await api(server, method, path);
    assert.match(String(r.headers['x-lectern-queries'] ?? ''), /^\d+$/, `${method} ${path}: ${JSON.stringify(r.headers)}`);
  }
});

test('an unknown API route answers 404 with a JSON error, code not_found', async () => {
  const r = await api(server, 'GET', '/api/v1/no-such-thing');
  assert.equal(r.status, 404, show(r));
  assert.equal(r.json?.error?.code, 'not_found', show(r));
  assert.equal(typeof r.json.error.message, 'string');
  assert.ok(r.json.error.message.length > 0);
});

test('an unknown route answers 404 also when signed in', async () => {
  const token = await adminToken(server);
  const r = await api(server, 'GET', '/api/v1/no-such-thing/at/all', { token });
  assert.equal(r.status, 404, show(r));
  assert.equal(r.json?.error?.code, 'not_found', show(r));
});

test('a wrong method answers 405 method_not_allowed', async () => {
  const r = await api(server, 'PUT', '/healthz', { body: {} });
  assert.equal(r.status, 405, show(r));
  assert.equal(r.json?.error?.code, 'method_not_allowed', show(r));
  const d = await api(server, 'DELETE', '/api/v1/me', { token: await adminToken(server) });
  assert.equal(d.status, 405, show(d));
  assert.equal(d.json?.error?.code, 'method_not_allowed', show(d));
});

test('HEAD /healthz answers like GET without a body', async () => {
  const r = await api(server, 'HEAD', '/healthz');
  assert.equal(r.status, 200, show(r));
  assert.equal(r.text, '');
});

test('dot segments in paths (plain or encoded) never reach files outside static/', async () => {
  for (const p of ['/api/v1/%2e%2e/healthz', '/static/%2e%2e/%2e%2e/etc/passwd', '/static/../../etc/passwd', '/static/vendor/%2e%2e%2f%2e%2e%2fMakefile']) {
    const r = await api(server, 'GET', p);
    assert.ok([400, 404].includes(r.status), `${p}: ${show(r)}`);
    assert.doesNotMatch(r.text, /root:|CFLAGS|PKG_LIBS/, p);
  }
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  const result = await server.stop();
  assertCleanShutdown(server, result);
});
