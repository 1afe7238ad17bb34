// Connection limits (docs/deploy.md): thousands of idle connections from one address do not
// take the service away from everyone else, a connection that never sends a request is
// closed soon, and one that did keeps the usual idle timeout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, api, show, adminToken, poll } from '../lib/server.mjs';

const PER_IP = 50;
// One server whose silent connections would stay a minute (so only the per-address limit can
// close the flood), one that closes them after 2 s.
let flooded, quick;
before(async () => {
  flooded = await startServer({ args: ['--max-connections-per-ip', String(PER_IP), '--first-request-timeout', '60'] });
  quick = await startServer({ args: ['--first-request-timeout', '2'] });
});
after(async () => {
  if (flooded) await flooded.stop();
  if (quick) await quick.stop();
});

/** Opens one idle TCP connection from `from` to the server; resolves with the socket once
 *  connected (or null when this process cannot open more). */
function idleConnection(server, from) {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: from });
    s.closedByServer = false;
    s.on('connect', () => resolve(s));
    s.on('error', () => resolve(null));
    s.on('close', () => { s.closedByServer = true; });
  });
}

/** Opens n idle connections from `from`, a batch at a time as an attacker reopening them
 *  would. After each batch the server must have closed everything beyond that address's share
 *  before the next batch is sent, so the test does not depend on how deep the kernel's accept
 *  queue is on the machine it runs on. */
async function flood(server, from, n) {
  const sockets = [];
  const BATCH = 200;
  for (let i = 0; i < n; i += BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, () => idleConnection(server, from)));
    sockets.push(...batch.filter(Boolean));
    // A busy machine may take a while to run the server's accept loop over a whole batch.
    const open = () => sockets.filter((s) => !s.closedByServer).length;
    await poll(() => open() <= PER_IP,
      { timeoutMs: 60000, what: `connections beyond the per-address limit closed (after ${sockets.length} opened; ${open()} were open when the wait began)` });
  }
  return sockets;
}

test('10,000 idle connections from one address: the rest of the world is still served', async () => {
  const server = flooded;
  const token = await adminToken(server);
  const sockets = await flood(server, '127.0.0.2', 10000);
  try {
    assert.ok(sockets.length >= 1000, `the flood opened ${sockets.length} connections`);
    // The address's share is still held open while everyone else is served.
    assert.equal(sockets.filter((s) => !s.closedByServer).length, PER_IP);
    const health = await api(server, 'GET', '/healthz');
    assert.equal(health.status, 200, show(health));
    const me = await api(server, 'GET', '/api/v1/me', { token });
    assert.equal(me.status, 200, show(me));
    assert.equal(me.json?.username, 'admin', show(me));
  } finally {
    for (const s of sockets) s.destroy();
  }
});

test('a connection that sends no request is closed after --first-request-timeout', async () => {
  const s = await idleConnection(quick, '127.0.0.3');
  assert.ok(s, 'connected');
  await poll(() => s.closedByServer, { timeoutMs: 10000, what: 'the silent connection closed by the server' });
});

test('a connection that sent a complete request keeps the usual idle timeout', async () => {
  const s = await idleConnection(quick, '127.0.0.4');
  assert.ok(s, 'connected');
  const answered = new Promise((resolve) => s.on('data', (d) => { if (/^HTTP\/1\.1 200/.test(String(d))) resolve(); }));
  s.write('GET /healthz HTTP/1.1\r\nHost: lectern.test\r\n\r\n');
  await answered;
  await new Promise((r) => setTimeout(r, 3500)); // past the 2 s first-request timeout
  assert.equal(s.closedByServer, false, 'the keep-alive connection is still open');
  s.destroy();
});
