// Behind a reverse proxy: sign-in attempts (and so lockout, rate limits and the audit log)
// record the client's address from X-Forwarded-For only when the proxy is trusted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, assertCleanShutdown } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function lastSigninIp(server, forwardedFor) {
  const token = await adminToken(server);
  const name = `p${Math.random().toString(36).slice(2, 8)}`;
  await createUser(server, { username: name, email: `${name}@example.org`, roles: ['learner'], password: 'Proxy-Test-Password-77' }, token);
  const r = await api(server, 'POST', '/api/v1/sessions', {
    body: { username: name, password: 'wrong-password-here' }, headers: { 'X-Forwarded-For': forwardedFor },
  });
  assert.equal(r.status, 401, show(r));
  const u = await api(server, 'GET', `/api/v1/users/${name}`, { token });
  return u.json.signins[0].ip;
}

test('without a trusted proxy, X-Forwarded-For is ignored', async () => {
  const server = await startServer();
  servers.push(server);
  assert.equal(await lastSigninIp(server, '203.0.113.9'), '127.0.0.1');
});

test('behind a trusted proxy, the rightmost untrusted X-Forwarded-For entry is the client', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  servers.push(server);
  assert.equal(await lastSigninIp(server, '203.0.113.9'), '203.0.113.9');
  // A client cannot choose its address by sending its own header: the proxy appends the real one.
  assert.equal(await lastSigninIp(server, '198.51.100.1, 203.0.113.10'), '203.0.113.10');
  // Garbage is not an address: the proxy's own address is kept.
  assert.equal(await lastSigninIp(server, 'not-an-ip'), '127.0.0.1');
  const result = await server.stop();
  servers.pop();
  assertCleanShutdown(server, result);
});

/** Signs in through the sign-in form (which sets the session cookie), with extra headers; like a
 *  browser, it says where the form comes from (this server, unless headers name an Origin). */
function formSignIn(server, headers = {}) {
  const body = `username=admin&password=${encodeURIComponent(server.adminPassword)}`;
  return api(server, 'POST', '/signin', {
    body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', Origin: server.url, ...headers },
  });
}

test('a form posted through a trusted proxy is the site\'s own when Origin matches X-Forwarded-Proto and -Host; from anyone else those headers prove nothing', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  servers.push(server);
  const viaProxy = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'learn.example.org', Origin: 'https://learn.example.org' };
  let r = await formSignIn(server, viaProxy);
  assert.equal(r.status, 303, show(r));
  r = await formSignIn(server, { ...viaProxy, Origin: 'https://elsewhere.example.org' });
  assert.equal(r.status, 403, show(r));
  assert.equal(r.headers['set-cookie'], undefined);

  const direct = await startServer();
  servers.push(direct);
  r = await formSignIn(direct, viaProxy);
  assert.equal(r.status, 403, show(r));
  assert.equal(r.headers['set-cookie'], undefined);
});

test('behind a trusted TLS proxy (X-Forwarded-Proto: https) cookies are Secure and HSTS is sent; from anyone else the header proves nothing', async () => {
  const server = await startServer({ args: ['--trusted-proxy', '127.0.0.1'] });
  servers.push(server);
  let r = await formSignIn(server, { 'X-Forwarded-Proto': 'https', Origin: server.url.replace('http:', 'https:') });
  assert.equal(r.status, 303, show(r));
  assert.match(String(r.headers['set-cookie']), /lectern_session=[^;]+;.*; Secure/);
  assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
  r = await formSignIn(server);
  assert.match(String(r.headers['set-cookie']), /lectern_session=/);
  assert.doesNotMatch(String(r.headers['set-cookie']), /Secure/);
  assert.equal(r.headers['strict-transport-security'], undefined);

  const direct = await startServer();
  servers.push(direct);
  r = await formSignIn(direct, { 'X-Forwarded-Proto': 'https' });
  assert.match(String(r.headers['set-cookie']), /lectern_session=/);
  assert.doesNotMatch(String(r.headers['set-cookie']), /Secure/);
  assert.equal(r.headers['strict-transport-security'], undefined);
});
