// GET /metrics: Prometheus text, readable by administrators or with the configured token only;
// routes labelled by pattern; the query counters agree with X-Lectern-Queries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, api, show, signIn, adminToken, createUser, rawRequest, lecternBin, repoRoot,
} from '../lib/server.mjs';

const TOKEN = 'metrics-token-for-the-api-tests-0123456789';
let server;
let admin;
let learner;

before(async () => {
  server = await startServer({ env: { LECTERN_METRICS_TOKEN: TOKEN } });
  admin = await adminToken(server);
  await createUser(server, { username: 'lena', roles: ['learner'], password: 'Quiet-Meadow-Lantern-73' });
  learner = await signIn(server, 'lena', 'Quiet-Meadow-Lantern-73');
});
after(async () => { if (server) await server.stop(); });

/** GET /metrics with the given headers; { status, text, headers }. */
async function metrics(headers = {}) {
  const r = await rawRequest(`${server.url}/metrics`, { headers });
  return { status: r.status, text: r.body.toString('utf8'), headers: r.headers };
}

function value(text, series) {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('an administrator reads Prometheus text', async () => {
  const r = await metrics({ authorization: `Bearer ${admin}` });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  assert.match(r.text, /^# TYPE lectern_http_requests_total counter$/m);
  assert.match(r.text, /^# TYPE lectern_http_request_duration_seconds histogram$/m);
  assert.match(r.text, /^lectern_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
  assert.match(r.text, /^lectern_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+$/m);
  assert.match(r.text, /^lectern_http_open_connections \d+$/m);
  assert.match(r.text, /^lectern_db_queries_total \d+$/m);
  assert.match(r.text, /^lectern_jobs\{state="queued"\} \d+$/m);
  assert.match(r.text, /^lectern_jobs\{state="failed"\} \d+$/m);
  assert.match(r.text, /^process_resident_memory_bytes \d+$/m);
  // Every sample line is "name{labels} value" or "name value".
  for (const line of r.text.split('\n').filter((l) => l && !l.startsWith('#')))
    assert.match(line, /^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/, line);
});

test('the session cookie of an administrator works too', async () => {
  const r = await metrics({ cookie: `lectern_session=${admin}` });
  assert.equal(r.status, 200, r.text);
});

test('a learner is refused with 403', async () => {
  const r = await metrics({ authorization: `Bearer ${learner}` });
  assert.equal(r.status, 403, r.text);
  assert.equal(JSON.parse(r.text).error.code, 'forbidden');
});

test('anonymous: 401, never a redirect to the sign-in page', async () => {
  for (const headers of [{}, { accept: 'text/html' }, { accept: 'text/plain' }]) {
    const r = await metrics(headers);
    assert.equal(r.status, 401, `${JSON.stringify(headers)}: ${r.status} ${r.text}`);
    assert.equal(JSON.parse(r.text).error.code, 'unauthorized');
  }
});

test('the configured token reads /metrics, and nothing else', async () => {
  const r = await metrics({ authorization: `Bearer ${TOKEN}` });
  assert.equal(r.status, 200, r.text);
  assert.match(r.text, /lectern_http_requests_total/);
  const wrong = await metrics({ authorization: `Bearer ${TOKEN}x` });
  assert.equal(wrong.status, 401, wrong.text);
  const me = await api(server, 'GET', '/api/v1/me', { token: TOKEN });
  assert.equal(me.status, 401, show(me));
  const users = await api(server, 'GET', '/api/v1/users', { token: TOKEN });
  assert.equal(users.status, 401, show(users));
});

test('routes are labelled by pattern, not by the path asked for', async () => {
  const u = await api(server, 'GET', '/api/v1/users/lena', { token: admin });
  assert.equal(u.status, 200, show(u));
  await rawRequest(`${server.url}/no/such/page-${Date.now()}`);
  const r = await metrics({ authorization: `Bearer ${TOKEN}` });
  assert.match(r.text, /route="\/api\/v1\/users\/\{username:name\}",status="200"/);
  assert.doesNotMatch(r.text, /route="\/api\/v1\/users\/lena"/);
  assert.doesNotMatch(r.text, /page-\d+/);
  assert.match(r.text, /route="\(unmatched\)",status="404"/);
});

test('queries counted per route agree with X-Lectern-Queries', async () => {
  const series = 'lectern_http_request_queries_total{method="GET",route="/api/v1/users"}';
  const before = value((await metrics({ authorization: `Bearer ${TOKEN}` })).text, series) || 0;
  const r = await api(server, 'GET', '/api/v1/users?q=len', { token: admin });
  assert.equal(r.status, 200, show(r));
  const header = Number(r.headers['x-lectern-queries']);
  assert.ok(header >= 2, `the list ran its queries (X-Lectern-Queries: ${header})`);
  const afterText = (await metrics({ authorization: `Bearer ${TOKEN}` })).text;
  assert.equal(value(afterText, series) - before, header, afterText);
});

test('a static file is counted under /static/*', async () => {
  const s = await rawRequest(`${server.url}/static/lectern.css`);
  assert.equal(s.status, 200);
  const r = await metrics({ authorization: `Bearer ${TOKEN}` });
  assert.match(r.text, /^lectern_http_requests_total\{method="GET",route="\/static\/\*",status="200"\} [1-9]\d*$/m);
});

test('a metrics token shorter than 16 characters is refused at start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-metrics-'));
  try {
    const r = spawnSync(lecternBin(), ['serve', '--data', dir, '--listen', '127.0.0.1:1', '--metrics-token', 'short'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 20000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /at least 16 characters/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
