// Test harness: starts a real `lectern serve` on a free loopback port with a fresh data
// directory, and small helpers to talk to its JSON API. Used by tests/api and tests/browser.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/lib/ is two levels below it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The binary under test: $LECTERN_BIN (relative to the repository root) or the sanitizer build. */
export function lecternBin() {
  return path.resolve(repoRoot, process.env.LECTERN_BIN || 'build/test/lectern');
}

/** The administrator's password after adminToken() has changed the one-time password. */
export const ADMIN_PASSWORD = 'Correct-Horse-Battery-42';

const OTP_RE = /one-time password:\s*(\S+)/;
const SANITIZER_RE = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer/;

/** A free TCP port on 127.0.0.1: listen on port 0, read the port, close. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** One HTTP request with node:http (no redirects followed, no keep-alive). Resolves with
 *  { status, headers, body: Buffer }. A server that answers before it has read the whole body
 *  (413) is fine: the answer wins over the write error. */
export function rawRequest(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    let answered = false;
    // Split the URL by hand: new URL() would normalise dot segments the tests send on purpose.
    const m = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
    if (!m) throw new Error(`rawRequest: unsupported URL ${url}`);
    const opts = { host: m[1], port: Number(m[2]), path: m[3] || '/', method, headers, agent: false };
    const req = http.request(opts, (res) => {
      answered = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    if (body !== undefined && body !== null) req.end(body); else req.end();
  });
}

/** A request over a bare TCP socket, for answers a server sends before it has read the whole
 *  body (413): node:http gives up on EPIPE, this keeps reading. Writes the body in chunks while
 *  the socket accepts them; resolves with { status, headers, text } from whatever arrived. */
export function socketRequest(url, { method = 'POST', headers = {}, body = Buffer.alloc(0), expectContinue = false } = {}) {
  const m = /^http:\/\/([^/:]+):(\d+)(\/.*)?$/.exec(url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(m[2]), m[1]);
    const chunks = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      let raw = Buffer.concat(chunks).toString('latin1');
      if (/^HTTP\/1\.[01] 100 /.test(raw)) raw = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      const sm = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      if (!sm) { reject(new Error(`no HTTP answer (got ${JSON.stringify(raw.slice(0, 100))})`)); return; }
      const headEnd = raw.indexOf('\r\n\r\n');
      const hdrs = {};
      for (const line of raw.slice(0, headEnd).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let text = Buffer.from(raw.slice(headEnd + 4), 'latin1').toString('utf8');
      if (/chunked/i.test(hdrs['transfer-encoding'] || '')) {
        let out = '';
        let rest = text;
        for (;;) {
          const nl = rest.indexOf('\r\n');
          const n = parseInt(rest.slice(0, nl), 16);
          if (!n) break;
          out += rest.slice(nl + 2, nl + 2 + n);
          rest = rest.slice(nl + 2 + n + 2);
        }
        text = out;
      }
      resolve({ status: Number(sm[1]), headers: hdrs, text });
    };
    let continued = !expectContinue;
    sock.on('data', (d) => {
      chunks.push(d);
      // With Expect: 100-continue the body goes out only after "100 Continue"; any other
      // answer is final and the body is never sent.
      if (!continued && /^HTTP\/1\.[01] 100 [^\r]*\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) {
        continued = true;
        pump();
      }
    });
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', () => { /* EPIPE/ECONNRESET after an early answer: read what arrived */ });
    const head = [`${method} ${m[3] || '/'} HTTP/1.1`, `Host: ${m[1]}:${m[2]}`, 'Connection: close',
      ...Object.entries(headers).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`)];
    const given = Object.keys(headers).map((k) => k.toLowerCase());
    if (!given.includes('content-length') && !given.includes('transfer-encoding')) head.push(`Content-Length: ${body.length}`);
    if (expectContinue) head.push('Expect: 100-continue');
    sock.write(head.join('\r\n') + '\r\n\r\n');
    // Like curl: stop sending once an answer has begun to arrive, and give reads a turn between
    // writes (a write error would otherwise discard an answer not yet read).
    let off = 0;
    const pump = () => {
      if (!continued || off >= body.length || sock.destroyed || (chunks.length && !expectContinue)) return;
      const part = body.subarray(off, off + 65536);
      off += part.length;
      if (sock.write(part)) setImmediate(pump); else sock.once('drain', () => setImmediate(pump));
    };
    pump();
  });
}

/** The engine under test: with LECTERN_TEST_PG (the administrator URL of a throwaway cluster,
 *  see scripts/pg-test-cluster.sh) servers run on PostgreSQL, otherwise on SQLite. */
export const testPg = process.env.LECTERN_TEST_PG || null;

/** A fresh, empty PostgreSQL database in the test cluster; returns its URL. */
export function createTestDatabase(prefix = 'lectern') {
  if (!testPg) throw new Error('createTestDatabase needs LECTERN_TEST_PG');
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', testPg, '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`cannot create database ${name}: ${r.error || r.stderr}`);
  const u = new URL(testPg);
  u.pathname = `/${name}`;
  return u.toString();
}
const testDatabases = new Map(); // data directory -> its database, for restarts

async function healthy(url) {
  try {
    const r = await rawRequest(url + '/healthz', { headers: { accept: 'application/json' } });
    return r.status === 200;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `lectern serve --data DIR --listen 127.0.0.1:PORT` from the repository root.
 * options.env: extra environment variables; options.dataDir: reuse an existing data directory
 * (a restart; no one-time password is expected then); options.timeoutMs: health wait (20 s).
 * With LECTERN_TEST_PG set the server runs on a fresh PostgreSQL database (env.LECTERN_DB
 * chooses one instead, e.g. to share it between servers).
 * Returns { url, port, dataDir, dbUrl, adminPassword, proc, stop(opts), output(), exited }.
 */
export async function startServer({ env = {}, dataDir, timeoutMs = 20000, args = [] } = {}) {
  const bin = lecternBin();
  if (!fs.existsSync(bin)) throw new Error(`lectern binary not found at ${bin} (build it: make build/test/lectern)`);
  const port = await freePort();
  const ownDir = !dataDir;
  const dir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-'));
  const url = `http://127.0.0.1:${port}`;
  // On PostgreSQL each new data directory gets a fresh database; a restart reuses it. CLI
  // commands a test spawns (they inherit process.env) reach the newest server's database.
  let dbUrl = env.LECTERN_DB || null;
  if (!dbUrl && testPg) {
    dbUrl = testDatabases.get(dir) || createTestDatabase();
    testDatabases.set(dir, dbUrl);
    process.env.LECTERN_DB = dbUrl;
  }
  let stdout = '';
  let stderr = '';
  const proc = spawn(bin, ['serve', '--data', dir, '--listen', `127.0.0.1:${port}`, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...(dbUrl ? { LECTERN_DB: dbUrl } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { exitInfo = { code, signal }; resolve(exitInfo); });
    proc.on('error', (err) => { exitInfo = { code: null, signal: null, error: err }; resolve(exitInfo); });
  });
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

  let stopped = null;
  const server = {
    url, port, dataDir: dir, dbUrl, adminPassword: null, proc, exited, output,
    stdout: () => stdout,
    stderr: () => stderr,
    /** SIGTERM, wait for the exit (SIGKILL after 10 s), remove the data dir unless keepDataDir
     *  or the caller passed it in. Resolves with { code, signal, killed }. Idempotent. */
    stop({ keepDataDir = false } = {}) {
      if (!stopped) {
        stopped = (async () => {
          let killed = false;
          if (!exitInfo) {
            proc.kill('SIGTERM');
            const t = setTimeout(() => { killed = true; proc.kill('SIGKILL'); }, 10000);
            await exited;
            clearTimeout(t);
          }
          if (ownDir && !keepDataDir) fs.rmSync(dir, { recursive: true, force: true });
          return { ...exitInfo, killed };
        })();
      }
      return stopped;
    },
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitInfo) {
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`lectern serve exited early (${JSON.stringify(exitInfo)})\n${output()}`);
    }
    if (await healthy(url)) break;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`lectern serve did not answer GET /healthz with 200 within ${timeoutMs} ms\n${output()}`);
    }
    await sleep(100);
  }
  // The one-time password is printed on the first start; give a buffered stdout a moment.
  if (ownDir) {
    const otpDeadline = Date.now() + 5000;
    while (!OTP_RE.test(stdout) && !exitInfo && Date.now() < otpDeadline) await sleep(50);
  }
  const m = OTP_RE.exec(stdout);
  server.adminPassword = m ? m[1] : null;
  return server;
}

/** Exit status and sanitizer reports of a stopped server, as a list of problems (empty = clean). */
export function shutdownProblems(server, result) {
  const problems = [];
  if (result.killed) problems.push('did not exit within 10 s of SIGTERM (killed)');
  if (result.signal) problems.push(`ended by signal ${result.signal}`);
  else if (result.code !== 0) problems.push(`exit code ${result.code}`);
  const all = server.stdout() + '\n' + server.stderr();
  if (SANITIZER_RE.test(all)) problems.push('sanitizer report in the output');
  return problems;
}

/** Throws (with the server's output) unless the stopped server exited 0 without sanitizer reports. */
export function assertCleanShutdown(server, result) {
  const problems = shutdownProblems(server, result);
  if (problems.length) {
    const err = new Error(`server shutdown not clean: ${problems.join('; ')}\n${tail(server.output(), 6000)}`);
    throw err;
  }
}

/** Sanitizer reports so far (while the server runs), or null. */
export function sanitizerReport(server) {
  const all = server.stdout() + '\n' + server.stderr();
  return SANITIZER_RE.test(all) ? tail(all, 6000) : null;
}

function tail(s, n) { return s.length > n ? '…' + s.slice(-n) : s; }

/**
 * One API request. body: an object (sent as JSON), or a string/Buffer sent raw (then pass the
 * content type in headers). token: bearer token. Resolves with { status, json, text, headers }
 * (json null when the body is not JSON).
 */
export async function api(server, method, urlPath, { token, body, headers = {} } = {}) {
  const h = { accept: 'application/json', ...lower(headers) };
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
      payload = body;
      if (!h['content-type']) h['content-type'] = 'application/json';
    } else {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    h['content-length'] = String(Buffer.byteLength(payload));
  }
  if (token) h.authorization = `Bearer ${token}`;
  const target = /^https?:/.test(urlPath) ? urlPath : server.url + urlPath;
  const r = await rawRequest(target, { method, headers: h, body: payload });
  const text = r.body.toString('utf8');
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text, headers: r.headers };
}

function lower(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** A short description of a response for assertion messages. */
export function show(res) {
  return `${res.status} ${res.text.length > 600 ? res.text.slice(0, 600) + '…' : res.text}`;
}

/** Signs in through the API; returns the token (throws unless 201). */
export async function signIn(server, username, password) {
  const r = await api(server, 'POST', '/api/v1/sessions', { body: { username, password } });
  if (r.status !== 201 || !r.json || typeof r.json.token !== 'string') {
    throw new Error(`sign-in as ${username} failed: ${show(r)}`);
  }
  return r.json.token;
}

/** Signs in and returns the whole answer ({token, must_change_password, user}). */
export async function signInFull(server, username, password) {
  const r = await api(server, 'POST', '/api/v1/sessions', { body: { username, password } });
  if (r.status !== 201) throw new Error(`sign-in as ${username} failed: ${show(r)}`);
  return r.json;
}

/** Changes a password through POST /api/v1/me/password; throws unless 200. Returns a token that
 *  works afterwards (the same one, or a fresh sign-in if the change ended the session). */
export async function changePassword(server, username, token, currentPassword, newPassword) {
  const r = await api(server, 'POST', '/api/v1/me/password', {
    token, body: { current_password: currentPassword, new_password: newPassword },
  });
  if (r.status !== 200) throw new Error(`password change for ${username} failed: ${show(r)}`);
  const me = await api(server, 'GET', '/api/v1/me', { token });
  if (me.status === 200) return token;
  return signIn(server, username, newPassword);
}

const adminTokens = new WeakMap();

/** A token for "admin": signs in with the one-time password, changes it to ADMIN_PASSWORD once,
 *  caches the token per server. */
export async function adminToken(server) {
  if (adminTokens.has(server)) return adminTokens.get(server);
  let token;
  if (server.adminPassword && !server.adminPasswordChanged) {
    const s = await signInFull(server, 'admin', server.adminPassword);
    token = await changePassword(server, 'admin', s.token, server.adminPassword, ADMIN_PASSWORD);
    server.adminPasswordChanged = true;
  } else {
    // Already changed here, or a restart on a data dir whose password an earlier run changed.
    token = await signIn(server, 'admin', ADMIN_PASSWORD).catch((e) => {
      throw new Error(`no usable admin password (one-time password line matching ${OTP_RE} ` +
        `${server.adminPassword ? 'found' : 'not found'} in stdout): ${e.message}\n${server.output()}`);
    });
  }
  adminTokens.set(server, token);
  return token;
}

/** Creates a user through the API as the administrator; returns { user, one_time_password }. */
export async function createUser(server, fields, token) {
  const t = token || (await adminToken(server));
  const r = await api(server, 'POST', '/api/v1/users', { token: t, body: fields });
  if (r.status !== 201) throw new Error(`creating user ${fields.username} failed: ${show(r)}`);
  return r.json;
}

/** Polls fn until it returns a truthy value (every intervalMs, up to timeoutMs). */
export async function poll(fn, { timeoutMs = 10000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}
