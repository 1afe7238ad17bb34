#!/usr/bin/env node
// `make bench`: Lectern side by side with nginx serving a static file, under wrk, on loopback.
//
//   node bench/bench.mjs [--size S|M|L] [--seed N] [--rounds N] [--duration S]
//                        [--connections N] [--threads N] [--out FILE] [--smoke] [--only ID,...]
//
// 1. Generates the dataset with `lectern bench-data` (cached under bench/data/<size>/; the
//    generator reuses a database that already holds the same size and seed).
// 2. Starts `lectern serve --quiet` and an unprivileged nginx (own prefix and config in a
//    temporary directory, foreground, no system service), each on a free 127.0.0.1 port.
// 3. For every round and every scenario of bench/scenarios.mjs: wrk against nginx's static file
//    (the reference), then wrk against Lectern; /metrics is read before and after each Lectern
//    run for the queries per request and the status of every answer, and /proc/PID/status
//    for the peak RSS (VmHWM, reset before each run through /proc/PID/clear_refs). A scenario
//    with a driver (the quiz burst, bench/quiz_burst.mjs) runs once per round after the wrk
//    ones, with its own client.
// 4. Prints one table (medians over the rounds) and writes it with the date and the machine
//    to bench/results/latest.md (or --out).
//
// --smoke: one short round at the given size in a fresh temporary dataset, for `make test`:
// no timing is judged, only that every scenario answered 200 without errors and the table was
// written; ends with "N passed, N failed".
//
// --only ID,...: only those scenarios of bench/scenarios.mjs (the others show as not run).
//
// Environment: LECTERN_BIN (default build/lectern), BENCH_DB (a PostgreSQL URL: generate into
// and serve from that empty database instead of SQLite).
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarios, processTargets } from './scenarios.mjs';
import { quizBurst, readBurstData, burstTable, burstErrors, percentile } from './quiz_burst.mjs';
import { importLoad, importRows } from './import_load.mjs';
import { readSignupData, signupBurst, signupSummary } from './signup_burst.mjs';
import { liveAnnouncements, announcementFanout } from './announcements.mjs';
import { openRequests } from './requests.mjs';
import { docPages } from './docs.mjs';
import { benchForum, forumPaths } from './forum.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');

// ---- options ----
function parseArgs(argv) {
  const o = {
    size: process.env.BENCH_SIZE || 'S', seed: 1, rounds: null, duration: null, connections: null,
    threads: 2, out: null, smoke: false, only: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--size') o.size = val();
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--rounds') o.rounds = Number(val());
    else if (a === '--duration') o.duration = Number(val());
    else if (a === '--connections') o.connections = Number(val());
    else if (a === '--threads') o.threads = Number(val());
    else if (a === '--out') o.out = val();
    else if (a === '--smoke') o.smoke = true;
    else if (a === '--only') o.only = val().split(',').filter(Boolean);
    else if (a === '-h' || a === '--help') { console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 27).map((l) => l.replace(/^\/\/ ?/, '')).join('\n')); process.exit(0); }
    else throw usage(`unknown option ${a}`);
  }
  if (!['S', 'M', 'L'].includes(o.size)) throw usage('--size takes S, M or L');
  for (const id of o.only || [])
    if (!scenarios.some((s) => s.id === id)) throw usage(`--only: no scenario ${id}`);
  // Smoke: a few seconds in all. Full: several rounds; S is quick to run, M and L longer.
  o.rounds ??= o.smoke ? 1 : 3;
  o.duration ??= o.smoke ? 1 : (o.size === 'S' ? 3 : 5);
  o.connections ??= o.smoke ? 8 : 64;
  for (const k of ['seed', 'rounds', 'duration', 'connections', 'threads'])
    if (!Number.isInteger(o[k]) || o[k] < (k === 'seed' ? 0 : 1)) throw usage(`--${k} takes a whole number`);
  return o;
}

function usage(msg) {
  const e = new Error(`bench: ${msg} (see node bench/bench.mjs --help)`);
  e.usage = true;
  return e;
}

// ---- small helpers ----
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir, cmd);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** GET over a fresh connection (no keep-alive: a pooled socket the server has just closed
 *  would fail the request), tried up to three times; resolves { status, headers, text }. */
async function get(url, headers = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise((resolve, reject) => {
        const req = http.get(url, { headers, agent: false, timeout: 30000 }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => { text += d; });
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 30 s`)));
        req.on('error', reject);
      });
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(200);
    }
  }
}

/** One request with a body over a fresh connection (no retry: it may change something);
 *  resolves { status, headers, text }. */
function request(method, url, headers = {}, body = null) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== null) { h['content-type'] = 'application/json'; h['content-length'] = Buffer.byteLength(body); }
    const req = http.request(url, { method, headers: h, agent: false, timeout: 30000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 30 s`)));
    req.on('error', reject);
    if (body !== null) req.write(body);
    req.end();
  });
}

async function waitFor(what, fn, ms = 20000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${ms / 1000} s`);
    await sleep(100);
  }
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

// ---- /metrics ----
/** Parses the Prometheus text into Map(seriesKey -> value), seriesKey = name{labels as sent}. */
function parseMetrics(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    m.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return m;
}

/** Requests by status, and queries, of one route in a metrics map. */
function routeCounts(metrics, [method, route]) {
  const prefix = `lectern_http_requests_total{method="${method}",route="${route}",status="`;
  const byStatus = {};
  let requests = 0;
  for (const [k, v] of metrics) {
    if (!k.startsWith(prefix)) continue;
    const status = k.slice(prefix.length, k.indexOf('"', prefix.length));
    byStatus[status] = v;
    requests += v;
  }
  const queries = metrics.get(`lectern_http_request_queries_total{method="${method}",route="${route}"}`) || 0;
  return { byStatus, requests, queries };
}

function diffCounts(after, before) {
  const byStatus = {};
  for (const [s, v] of Object.entries(after.byStatus)) {
    const d = v - (before.byStatus[s] || 0);
    if (d) byStatus[s] = d;
  }
  return { byStatus, requests: after.requests - before.requests, queries: after.queries - before.queries };
}

// ---- processes ----
function readStatusKiB(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}

/** Resets the peak RSS (VmHWM) of pid to its current RSS; false when the kernel refuses. */
function resetPeak(pid) {
  try { fs.writeFileSync(`/proc/${pid}/clear_refs`, '5'); return true; } catch { return false; }
}

async function stopProcess(proc, signal = 'SIGTERM', ms = 10000) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill(signal);
  const t = setTimeout(() => proc.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(t);
}

function startLogged(cmd, args, opts) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out = (out + d).slice(-20000); });
  proc.stderr.setEncoding('utf8').on('data', (d) => { out = (out + d).slice(-20000); });
  proc.output = () => out;
  return proc;
}

/** nginx as an unprivileged foreground process with its own prefix: no system service, no
 *  files outside the prefix. Serves a copy of Lectern's stylesheet. */
async function startNginx(nginxBin, port, workDir, sampleFile) {
  const prefix = path.join(workDir, 'nginx');
  for (const d of ['html', 'tmp', 'logs']) fs.mkdirSync(path.join(prefix, d), { recursive: true });
  fs.copyFileSync(sampleFile, path.join(prefix, 'html', path.basename(sampleFile)));
  const conf = `# Written by bench/bench.mjs: the static reference for make bench.
daemon off;
master_process on;
worker_processes ${os.cpus().length};
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  types { text/css css; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${prefix}/html;
  }
}
`;
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  let cmd = nginxBin;
  let args = ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'logs', 'error.log')];
  // Never as root: drop to nobody (the prefix must then be theirs).
  if (process.getuid && process.getuid() === 0) {
    const setpriv = which('setpriv');
    if (!setpriv) throw new Error('running as root and setpriv is missing: cannot start nginx unprivileged');
    fs.chmodSync(workDir, 0o755);
    run('chown', ['-R', 'nobody:nogroup', prefix]);
    args = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', nginxBin, ...args];
    cmd = setpriv;
  }
  const proc = startLogged(cmd, args, {});
  await waitFor('nginx', async () => {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${proc.output()}`);
    return (await get(`http://127.0.0.1:${port}/${path.basename(sampleFile)}`)).status === 200;
  }).catch((e) => { throw new Error(`${e.message}\n${proc.output()}`); });
  return proc;
}

// ---- wrk ----
function wrk(o, url, scriptArgs, script) {
  // A generous timeout: slow answers are measured rather than dropped from the latencies.
  const args = ['-t', String(o.threads), '-c', String(o.connections), '-d', `${o.duration}s`, '--latency',
    '--timeout', `${WRK_TIMEOUT_S}s`,
    '-s', path.join(benchDir, 'wrk', script), url];
  if (scriptArgs.length) args.push('--', ...scriptArgs);
  const r = run('wrk', args, { timeout: (o.duration + WRK_TIMEOUT_S + 30) * 1000 });
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('WRKJSON '));
  if (r.status !== 0 || !line) throw new Error(`wrk failed (${r.status}): ${r.stderr || r.stdout}`);
  const j = JSON.parse(line.slice(8));
  j.rps = j.requests / (j.duration_us / 1e6);
  // Socket errors and non-2xx/3xx answers; timeouts are counted apart (a slow page is a
  // finding of the benchmark, not a broken run).
  j.errorCount = j.errors.connect + j.errors.read + j.errors.write + j.errors.status;
  j.timeouts = j.errors.timeout;
  return j;
}

const WRK_TIMEOUT_S = 10;

/** Waits until Lectern has finished what the last load left in flight (open connections back
 *  to the one scraping), so one scenario's backlog does not slow the next. */
async function drain(scrape, ms = 30000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const m = await scrape();
    if ((m.get('lectern_http_open_connections') ?? 0) <= 1) return m;
    await sleep(100);
  }
  return scrape();
}

// ---- formatting ----
const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const fmtMs = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(us < 10000 ? 2 : 1) : '–');
const fmtRatio = (x) => (!Number.isFinite(x) ? '–' : x >= 0.1 || x === 0 ? x.toFixed(2) : x.toPrecision(2));
const fmtQ = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const fmtMiB = (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : '–');

function table(rows) {
  const head = ['scenario', 'requests/s (median)', 'p50 ms', 'p99 ms', 'ratio to nginx', 'queries/request', 'peak RSS MiB'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const r of rows) {
    if (r.pending) lines.push(`| ${r.name} | ${r.pending} | | | | | |`);
    else lines.push(`| ${r.name} | ${fmtInt(r.rps)} | ${fmtMs(r.p50)} | ${fmtMs(r.p99)} | ${fmtRatio(r.ratio)} | ${fmtQ(r.qpr)} | ${fmtMiB(r.peakKiB)} |`);
  }
  return lines.join('\n');
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    load: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

/** A second `lectern serve` on the same PostgreSQL database (env.LECTERN_DB), with a data
 *  directory of its own, as a second node behind a load balancer: { proc, base }. */
async function startSecondNode(bin, dir, env) {
  const port = await freePort();
  fs.mkdirSync(dir, { mode: 0o700 });
  const proc = startLogged(bin, ['--data', dir, 'serve', '--listen', `127.0.0.1:${port}`, '--quiet'], { env });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the second lectern serve', async () => {
    if (proc.exitCode !== null) throw new Error('exited');
    return (await get(`${base}/healthz`)).status === 200;
  }).catch(async (e) => {
    await stopProcess(proc, 'SIGTERM');
    throw new Error(`the second lectern serve: ${e.message}\n${proc.output()}`);
  });
  return { proc, base };
}

/** The sign-up burst's row of the table, from its rounds: medians of rate and latencies. */
function signupRow(s, r) {
  const bs = r.bursts;
  const st = bs.map((b) => b.steps.book);
  const first = bs[0] || { learners: 0, nodes: 1 };
  return {
    id: s.id, name: `sign-up burst: booking, ${fmtInt(first.learners)} learners on ${first.nodes} node${first.nodes > 1 ? 's' : ''} (POST /api/v1/events/ID/bookings)`,
    rps: median(bs.map((b) => b.steps.book.requests / b.wallS)), ratio: NaN,
    p50: median(st.map((x) => percentile(x.lat, 50) * 1000)), p95: median(st.map((x) => percentile(x.lat, 95) * 1000)),
    p99: median(st.map((x) => percentile(x.lat, 99) * 1000)),
    qpr: st.reduce((a, x) => a + x.queries, 0) / Math.max(1, st.reduce((a, x) => a + x.queried, 0)),
    peakKiB: Math.max(...r.peaks.filter(Number.isFinite)), requests: st.reduce((a, x) => a + x.requests, 0),
    errors: st.reduce((a, x) => a + x.errors, 0), problems: bs.flatMap((b) => b.problems),
    booked: bs.reduce((a, b) => a + b.booked, 0),
  };
}

// Scenarios whose paths come from the dataset or the server, filled in before the first
// requests: `pathsFromPairs` (the distinct paths of a pairs file, for another pool of people)
// and `feeds` (each person of a token pool makes their calendar feed through the API, and the
// feed addresses are the paths).
async function preparePaths(active, { base, dataDir, pairsFile, check, admin }) {
  const forumRows = active.filter((x) => x.forum);
  if (forumRows.length) {
    const thread = await benchForum({ base, admin });
    for (const s of forumRows) s.paths = forumPaths(s.forum, thread);
    check(true, `forum: the site forum holds the bench threads (the long one is ${thread})`);
  }
  for (const s of active.filter((x) => x.pathsFromPairs)) {
    const codes = fs.readFileSync(pairsFile({ pairsFile: s.pathsFromPairs }), 'utf8').split('\n').filter(Boolean)
      .map((l) => l.split(' ')[1]);
    s.paths = [...new Set(codes)].slice(0, 200).map((c) => s.pattern.replace('%s', c));
    check(s.paths.length > 0, `${s.id}: ${s.paths.length} paths from ${s.pathsFromPairs}`);
  }
  for (const s of active.filter((x) => x.feeds)) {
    const tokens = fs.readFileSync(path.join(dataDir, `${s.feeds}.tokens`), 'utf8').split('\n').filter(Boolean)
      .slice(0, s.feedPeople || 50);
    s.paths = [];
    for (const t of tokens) {
      const r = await request('POST', `${base}/api/v1/me/calendar/feed`, { authorization: `Bearer ${t}` }, '{}');
      if (r.status !== 201) throw new Error(`${s.id}: POST /api/v1/me/calendar/feed answered ${r.status}: ${r.text.slice(0, 200)}`);
      s.paths.push(new URL(JSON.parse(r.text).feed_url, base).pathname);
    }
    check(s.paths.length > 0, `${s.id}: ${s.paths.length} calendar feeds made through the API`);
  }
}

// ---- the run ----
/** Runs the programmes' reminder scan twice in its own process (when the 'reminder-scan' row is
 *  active): [{ms, sent}] of each run; the second must send nothing. */
function scanReminders(bin, dataDir, env, list) {
  if (!list.some((s) => s.driver === 'reminder-scan' && !s.pending)) return [];
  const out = [];
  for (let i = 1; i <= 2; i++) {
    const r = run(bin, ['--data', dataDir, 'jobs', 'run', 'schedules.reminders'], { env });
    if (r.status !== 0) throw new Error(`lectern jobs run schedules.reminders failed:\n${r.stderr}`);
    const j = JSON.parse(r.stdout);
    out.push({ ms: j.ms, sent: j.result.sent });
    console.log(`reminder scan ${i}: ${j.result.sent} messages queued in ${(j.ms / 1000).toFixed(2)} s`);
  }
  return out;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  for (const s of scenarios) if (o.only && !o.only.includes(s.id) && !s.pending) s.pending = 'not run (--only)';
  const checks = [];
  const check = (ok, what) => { checks.push({ ok, what }); console.log(`${ok ? 'ok' : 'not ok'} - ${what}`); };

  const bin = path.resolve(repoRoot, process.env.LECTERN_BIN || 'build/lectern');
  if (!fs.existsSync(bin)) throw new Error(`no Lectern binary at ${bin}: run make build/lectern (or make bench)`);
  const nginxBin = which('nginx');
  if (!nginxBin || !which('wrk')) throw new Error('nginx and wrk are needed: run scripts/deps.sh bench');
  const dbUrl = process.env.BENCH_DB || null;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-'));
  const dataDir = o.smoke ? path.join(work, 'data') : path.join(benchDir, 'data', o.size);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const env = { ...process.env };
  delete env.LECTERN_DB;
  if (dbUrl) env.LECTERN_DB = dbUrl;

  let lectern = null;
  let lectern2 = null;
  let nginx = null;
  const started = new Date();
  const m0 = machine();
  try {
    // 1. the dataset
    const t0 = Date.now();
    const genArgs = ['--data', dataDir, 'bench-data', '--size', o.size, '--seed', String(o.seed)];
    let gen = run(bin, genArgs, { env });
    // A cached dataset of an older format (or seed) is refused by the generator: bench's own
    // cache under bench/data/<size>/ is then removed and made again (never a BENCH_DB database).
    if (gen.status === 1 && !dbUrl && !o.smoke && /already holds/.test(gen.stderr + gen.stdout)) {
      console.log(`bench/data/${o.size} holds another dataset (older format or seed): making it again`);
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      gen = run(bin, genArgs, { env });
    }
    process.stdout.write(gen.stdout);
    if (gen.status !== 0) throw new Error(`lectern bench-data failed:\n${gen.stderr}`);
    const genSeconds = (Date.now() - t0) / 1000;
    check(gen.status === 0, `bench-data --size ${o.size} made or reused the dataset (${genSeconds.toFixed(1)} s)`);
    const tokenFile = (pool) => path.join(dataDir, `${pool}.tokens`);
    for (const pool of ['learner', 'admin']) {
      const n = fs.readFileSync(tokenFile(pool), 'utf8').split('\n').filter(Boolean).length;
      check(n > 0, `${n} ${pool} session tokens written`);
    }
    // "TOKEN CODE" lines: the courses each pooled learner is enrolled in (scenarios with `pairs`;
    // `pairsFile` names another such file, as learner.sessions: "TOKEN CODE/sessions/ID").
    const pairsFile = (s) => path.join(dataDir, s.pairsFile || `${s.pairs}.courses`);
    for (const file of new Set(scenarios.filter((s) => s.pairs && !s.pending).map(pairsFile))) {
      const n = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
      check(n > 0, `${n} token and path pairs written to ${path.basename(file)}`);
    }

    // The programmes' daily reminder scan, twice, before the server's workers could run it.
    const reminderScans = scanReminders(bin, dataDir, env, scenarios);

    // 2. the two servers
    const lport = await freePort();
    const metricsToken = crypto.randomBytes(24).toString('hex');
    lectern = startLogged(bin, ['--data', dataDir, 'serve', '--listen', `127.0.0.1:${lport}`, '--quiet',
      '--session-idle', '315360000'], { env: { ...env, LECTERN_METRICS_TOKEN: metricsToken } });
    const base = `http://127.0.0.1:${lport}`;
    await waitFor('lectern serve', async () => {
      if (lectern.exitCode !== null) throw new Error('exited');
      return (await get(`${base}/healthz`)).status === 200;
    }).catch((e) => { throw new Error(`lectern serve: ${e.message}\n${lectern.output()}`); });
    const nport = await freePort();
    const sample = path.join(repoRoot, 'static', 'lectern.css');
    nginx = await startNginx(nginxBin, nport, work, sample);
    const nginxUrl = `http://127.0.0.1:${nport}/${path.basename(sample)}`;
    const scrape = async () => {
      const r = await get(`${base}/metrics`, { authorization: `Bearer ${metricsToken}` });
      if (r.status !== 200) throw new Error(`GET /metrics answered ${r.status}: ${r.text.slice(0, 200)}`);
      return parseMetrics(r.text);
    };

    // Each active scenario answers 200 once before it is loaded (a redirect would look fast).
    const firstToken = (pool) => fs.readFileSync(tokenFile(pool), 'utf8').split('\n')[0];
    // Driver scenarios: their data must be in the dataset, and their first request must work.
    const burstData = readBurstData(dataDir);
    for (const s of scenarios.filter((x) => x.driver && x.probe && !x.pending)) {
      if (!burstData) throw new Error(`${s.id}: the dataset in ${dataDir} has no burst course; remove the directory to generate it again`);
      const [method, pattern] = s.probe;
      const p = pattern.replace('%s', encodeURIComponent(burstData.code)).replace('%d', String(burstData.quizId));
      const r = await request(method, base + p, { authorization: `Bearer ${burstData.tokens[0]}` }, '{}');
      check([200, 201].includes(r.status), `${s.id}: ${method} ${p} answers 200 or 201 (got ${r.status}${r.status >= 300 ? `: ${r.text.slice(0, 200)}` : ''})`);
    }
    const active = scenarios.filter((s) => !s.pending);
    // The sign-up burst: its course must be in the dataset; on PostgreSQL it books through two
    // nodes of the one database, the second started here.
    const signupData = active.some((x) => x.driver === 'signup-burst') ? readSignupData(dataDir) : null;
    if (active.some((x) => x.driver === 'signup-burst') && !signupData)
      throw new Error(`signup-burst: the dataset in ${dataDir} has no sign-up course; remove the directory to generate it again`);
    const signupBases = [base];
    if (signupData && dbUrl) {
      const second = await startSecondNode(bin, path.join(work, 'node-b'), env);
      lectern2 = second.proc;
      signupBases.push(second.base);
    }
    await preparePaths(active, { base, dataDir, pairsFile, check, admin: firstToken('admin') });
    for (const s of active.filter((x) => !x.driver)) {
      const headers = {};
      let t = s.tokens ? firstToken(s.tokens) : null;
      let p = s.path || (s.paths && s.paths[0]);
      if (s.pairs) {
        const [tok, code] = fs.readFileSync(pairsFile(s), 'utf8').split('\n')[0].split(' ');
        t = tok;
        p = s.pattern.replace('%s', encodeURIComponent(code));
      }
      if (t) {
        if (s.auth === 'bearer') headers.authorization = `Bearer ${t}`; else headers.cookie = `lectern_session=${t}`;
      }
      // What a row reads and keeps (the queue's requests, the documents) is written before its first request.
      if (s.around === 'requests') await openRequests({ base, admin: firstToken('admin') });
      if (s.around === 'docs') await docPages({ base, admin: firstToken('admin') });
      const r = await get(base + p, headers);
      check(r.status === 200, `${s.id}: a first request answers 200 (got ${r.status})`);
    }
    const pathsFiles = {};
    for (const s of active.filter((x) => x.paths)) {
      pathsFiles[s.id] = path.join(work, `${s.id}.paths`);
      fs.writeFileSync(pathsFiles[s.id], s.paths.join('\n') + '\n');
    }

    // 3. rounds: for each scenario, the nginx reference, then Lectern
    const results = new Map(active.map((s) => [s.id, { runs: [], refs: [], counts: [], peaks: [], bursts: [] }]));
    let canReset = true;
    for (let round = 1; round <= o.rounds; round++) {
      for (const s of active) {
        const res = results.get(s.id);
        if (s.driver === 'signup-burst') {
          canReset = resetPeak(lectern.pid) && canReset;
          const b = await signupBurst({
            bases: signupBases, data: signupData, spreadS: o.smoke ? s.smokeSpreadS : s.spreadS,
            events: o.smoke ? s.smokeEvents : s.events, seats: s.seats, learners: o.smoke ? s.smokeLearners : null,
            connections: o.connections, tag: `${started.toISOString()} round ${round}`,
            log: (line) => console.log(`round ${round}/${o.rounds} ${line}`),
          });
          res.peaks.push(readStatusKiB(lectern.pid, 'VmHWM'));
          await drain(scrape);
          res.bursts.push(b);
          console.log(`round ${round}/${o.rounds} ${s.id}: ${signupSummary(b)}`);
          for (const e of b.errorSamples) console.log(`  ${e}`);
          if (lectern.exitCode !== null) throw new Error(`lectern serve exited during ${s.id}:\n${lectern.output()}`);
          continue;
        }
        if (s.driver === 'reminder-scan') continue; // run once, before the server started
        if (s.driver === 'announcement-fanout') {
          const b = await announcementFanout({ base, admin: firstToken('admin'), log: (line) => console.log(`round ${round}/${o.rounds} ${line}`) });
          res.bursts.push(b);
          if (lectern.exitCode !== null) throw new Error(`lectern serve exited during ${s.id}:\n${lectern.output()}`);
          continue;
        }
        if (s.driver === 'import-load') {
          res.refs.push(wrk(o, nginxUrl, [], 'report.lua'));
          canReset = resetPeak(lectern.pid) && canReset;
          const b = await importLoad({
            base, data: burstData, admin: firstToken('admin'), rows: importRows(o.size, o.smoke), workers: s.workers,
            log: (line) => console.log(`round ${round}/${o.rounds} ${line}`),
          });
          res.peaks.push(readStatusKiB(lectern.pid, 'VmHWM'));
          res.bursts.push(b);
          const errs = b.steps.signin.errors + b.steps.save.errors;
          console.log(`round ${round}/${o.rounds} ${s.id}: ${fmtInt(b.rows)} rows committed in ${b.importS.toFixed(1)} s; ` +
            `sign-in p99 ${fmtMs(percentile(b.steps.signin.lat, 99) * 1000)} ms, save p99 ${fmtMs(percentile(b.steps.save.lat, 99) * 1000)} ms, ${errs} errors`);
          for (const e of b.errorSamples) console.log(`  ${e}`);
          if (lectern.exitCode !== null) throw new Error(`lectern serve exited during ${s.id}:\n${lectern.output()}`);
          continue;
        }
        if (s.driver) {
          canReset = resetPeak(lectern.pid) && canReset;
          const b = await quizBurst({
            base, data: burstData, spreadS: o.smoke ? s.smokeSpreadS : s.spreadS, connections: o.connections,
            learners: o.smoke ? s.smokeLearners : null,
            log: (line) => console.log(`round ${round}/${o.rounds} ${line}`),
          });
          res.peaks.push(readStatusKiB(lectern.pid, 'VmHWM'));
          await drain(scrape);
          res.bursts.push(b);
          console.log(`round ${round}/${o.rounds} ${s.id}: ${b.learners} learners in ${b.wallS.toFixed(1)} s, ` +
            `start p95 ${fmtMs(percentile(b.steps.start.lat, 95) * 1000)} ms, save p95 ${fmtMs(percentile(b.steps.save.lat, 95) * 1000)} ms, ` +
            `${burstErrors(b)} errors`);
          for (const e of b.errorSamples) console.log(`  ${e}`);
          if (lectern.exitCode !== null) throw new Error(`lectern serve exited during ${s.id}:\n${lectern.output()}`);
          continue;
        }
        res.refs.push(wrk(o, nginxUrl, [], 'report.lua'));
        const endAround = s.around === 'announcements' ? await liveAnnouncements({ base, admin: firstToken('admin') }) : null;
        const before = await scrape();
        canReset = resetPeak(lectern.pid) && canReset;
        let w;
        if (s.pairs) {
          w = wrk(o, base + '/', [`pairs=${pairsFile(s)}`, `pattern=${s.pattern}`, `auth=${s.auth}`], 'sessions.lua');
        } else if (s.tokens) {
          const args = [`tokens=${tokenFile(s.tokens)}`, `auth=${s.auth}`];
          if (pathsFiles[s.id]) args.push(`paths=${pathsFiles[s.id]}`);
          w = wrk(o, base + (s.path || '/'), args, 'sessions.lua');
        } else if (pathsFiles[s.id]) {
          w = wrk(o, base + '/', [`paths=${pathsFiles[s.id]}`, 'auth=none'], 'sessions.lua');
        } else {
          w = wrk(o, base + s.path, [], 'report.lua');
        }
        res.peaks.push(readStatusKiB(lectern.pid, 'VmHWM'));
        const after = await drain(scrape);
        if (endAround) await endAround();
        res.runs.push(w);
        res.counts.push(diffCounts(routeCounts(after, s.route), routeCounts(before, s.route)));
        console.log(`round ${round}/${o.rounds} ${s.id}: ${fmtInt(w.rps)} req/s (nginx ${fmtInt(res.refs.at(-1).rps)}), ` +
          `p99 ${fmtMs(w.p99_us)} ms, ${w.errorCount} errors, ${w.timeouts} timeouts`);
        if (lectern.exitCode !== null) throw new Error(`lectern serve exited during ${s.id}:\n${lectern.output()}`);
      }
    }

    // 4. the table
    const rows = [];
    const notes = [];
    const burstTargets = new Map();
    let overallPeak = 0;
    const burstSections = [];
    for (const s of scenarios) {
      if (s.pending) { rows.push({ name: s.name, pending: s.pending }); continue; }
      const r = results.get(s.id);
      if (s.driver === 'signup-burst') {
        const row = signupRow(s, r);
        overallPeak = Math.max(overallPeak, row.peakKiB);
        rows.push(row);
        check(row.requests > 0 && row.errors === 0 && row.problems.length === 0,
          `${s.id}: ${fmtInt(row.requests)} bookings, no errors, ${row.booked} booked and the rest waitlisted in order` +
          (row.errors || row.problems.length ? ` (${[...r.bursts.flatMap((b) => b.errorSamples), ...row.problems].slice(0, 3).join('; ')})` : ''));
        r.bursts.forEach((b, i) => notes.push(`Sign-up burst, round ${i + 1}: ${signupSummary(b)}.`));
        burstTargets.set(s.id, row);
        continue;
      }
      if (s.driver === 'reminder-scan') {
        const [first, second] = reminderScans;
        check(first && second && second.sent === 0, `${s.id}: the second scan queued nothing (${second ? second.sent : '?'} messages)`);
        notes.push(`Reminder scan: the first run queued ${fmtInt(first.sent)} messages in ${(first.ms / 1000).toFixed(2)} s, ` +
          `the second ${fmtInt(second.sent)} in ${(second.ms / 1000).toFixed(2)} s (on a dataset reused from an earlier run, ` +
          'the first finds those messages sent already).');
        burstTargets.set(s.id, { first, second });
        continue;
      }
      if (s.driver === 'announcement-fanout') {
        const b = r.bursts;
        const exact = b.every((x) => x.emailed > 0 && x.overshoot === 0);
        check(exact, `${s.id}: every round queued one message a person and none twice` +
          (exact ? '' : ` (${b.map((x) => `${x.emailed} of ${x.audience}`).join('; ')})`));
        b.forEach((x, i) => notes.push(`Announcement fan-out, round ${i + 1}: ${fmtInt(x.emailed)} messages for ${fmtInt(x.audience)} people ` +
          `queued in ${x.queuedS.toFixed(1)} s (target at size L: under 10 s, no duplicates).`));
        continue;
      }
      if (s.driver === 'import-load') {
        const peakKiB = Math.max(...r.peaks.filter(Number.isFinite));
        overallPeak = Math.max(overallPeak, peakKiB);
        const ref = median(r.refs.map((x) => x.rps));
        const stepRow = (k, label) => {
          const st = r.bursts.map((b) => b.steps[k]);
          const rps = median(r.bursts.map((b) => b.steps[k].requests / b.wallS));
          return {
            id: `${s.id}-${k}`, name: label, rps, ref, ratio: rps / ref, qpr: NaN, peakKiB,
            p50: median(st.map((x) => percentile(x.lat, 50) * 1000)), p99: median(st.map((x) => percentile(x.lat, 99) * 1000)),
            requests: st.reduce((a, x) => a + x.requests, 0), errors: st.reduce((a, x) => a + x.errors, 0),
          };
        };
        const rowsN = r.bursts[0] ? r.bursts[0].rows : 0;
        const signin = stepRow('signin', `during a ${fmtInt(rowsN)}-row import: sign-in (POST /api/v1/sessions)`);
        const save = stepRow('save', `during a ${fmtInt(rowsN)}-row import: answer save (PUT /api/v1/attempts/ID/answers)`);
        rows.push(signin, save);
        const errors = signin.errors + save.errors;
        const committed = r.bursts.every((b) => b.committed);
        check(signin.requests > 0 && save.requests > 0 && errors === 0 && committed,
          `${s.id}: ${fmtInt(signin.requests)} sign-ins and ${fmtInt(save.requests)} answer saves during the import, no errors, import committed` +
          (errors || !committed ? ` (${r.bursts.flatMap((b) => b.errorSamples).slice(0, 3).join('; ')})` : ''));
        r.bursts.forEach((b, i) => notes.push(`Import load, round ${i + 1}: ${fmtInt(b.rows)} rows committed in ${b.importS.toFixed(1)} s ` +
          `with ${b.workers} loops signing in and saving alongside; ${errors} errors.`));
        burstTargets.set(s.id, { errors, signin, save });
        continue;
      }
      if (s.driver) {
        const peakKiB = Math.max(...r.peaks.filter(Number.isFinite));
        overallPeak = Math.max(overallPeak, peakKiB);
        const bs = r.bursts;
        const stepRow = (k, label) => {
          const st = bs.map((b) => b.steps[k]);
          const requests = st.reduce((a, x) => a + x.requests, 0);
          const q = st.reduce((a, x) => a + x.queries, 0) / Math.max(1, st.reduce((a, x) => a + x.queried, 0));
          return {
            id: `${s.id}-${k}`, name: label, rps: median(bs.map((b) => b.steps[k].requests / b.wallS)), ratio: NaN,
            p50: median(st.map((x) => percentile(x.lat, 50) * 1000)), p95: median(st.map((x) => percentile(x.lat, 95) * 1000)),
            p99: median(st.map((x) => percentile(x.lat, 99) * 1000)), qpr: q, peakKiB, requests,
            errors: st.reduce((a, x) => a + x.errors, 0),
          };
        };
        const n = bs[0] ? bs[0].learners : 0;
        const start = stepRow('start', `quiz burst: attempt start, ${fmtInt(n)} learners (POST /api/v1/courses/CODE/quizzes/ID/attempts)`);
        const save = stepRow('save', 'quiz burst: answer save (PUT /api/v1/attempts/ID/answers)');
        rows.push(start, save);
        const errors = bs.reduce((a, b) => a + burstErrors(b), 0);
        const saved = bs.reduce((a, b) => a + b.steps.save.requests, 0);
        check(start.requests > 0 && saved > 0 && errors === 0,
          `${s.id}: ${fmtInt(start.requests)} attempt starts and ${fmtInt(saved)} answer saves, no errors` +
          (errors ? ` (${errors} errors: ${bs.flatMap((b) => b.errorSamples).slice(0, 3).join('; ')})` : ''));
        bs.forEach((b, i) => burstSections.push(
          `Round ${i + 1}: ${fmtInt(b.learners)} learners starting over ${b.spreadS} s, at most ${b.connections} at once ` +
          `(one keep-alive connection each); ${b.wallS.toFixed(1)} s from the first start to the last answer; ` +
          `${fmtInt(b.newAttempts)} new attempts, ${fmtInt(b.resumed)} resumed; start lag behind the schedule p95 ` +
          `${fmtMs(percentile(b.lagMs, 95) * 1000)} ms, max ${fmtMs(Math.max(0, ...b.lagMs) * 1000)} ms.`,
          '', burstTable(b), '', ...b.errorSamples.map((e) => `- ${e}`), ...(b.errorSamples.length ? [''] : [])));
        burstTargets.set(s.id, { errors, start, save });
        continue;
      }
      const rps = median(r.runs.map((x) => x.rps));
      const ref = median(r.refs.map((x) => x.rps));
      const requests = r.counts.reduce((a, c) => a + c.requests, 0);
      const queries = r.counts.reduce((a, c) => a + c.queries, 0);
      const statuses = {};
      for (const c of r.counts) for (const [k, v] of Object.entries(c.byStatus)) statuses[k] = (statuses[k] || 0) + v;
      const errors = r.runs.reduce((a, x) => a + x.errorCount, 0);
      const timeouts = r.runs.reduce((a, x) => a + x.timeouts, 0);
      if (median(r.runs.map((x) => x.p99_us)) > o.duration * 1e6 / 2)
        notes.push(`${s.name}: answers take so long that the ${o.duration} s runs bound the latencies (a request still waiting when wrk stops is not counted).`);
      if (timeouts) notes.push(`${s.name}: ${fmtInt(timeouts)} requests got no answer within wrk's ${WRK_TIMEOUT_S} s timeout; their latency is not in p50/p99.`);
      const peakKiB = Math.max(...r.peaks.filter(Number.isFinite));
      overallPeak = Math.max(overallPeak, peakKiB);
      const row = {
        id: s.id, name: s.name, rps, ref, ratio: rps / ref,
        p50: median(r.runs.map((x) => x.p50_us)), p99: median(r.runs.map((x) => x.p99_us)),
        qpr: s.route[1] === '/static/*' ? 0 : queries / requests, peakKiB, statuses, errors, requests,
      };
      rows.push(row);
      const plain = s.around === 'announcements' && rows.find((x) => x.id === 'dashboard');
      if (plain) notes.push(`${s.name}: ${fmtInt(row.rps)} req/s against ${fmtInt(plain.rps)} without announcements ` +
        `(${(row.rps / plain.rps * 100).toFixed(0)}%; the target: no slower, within noise).`);
      const non200 = Object.entries(statuses).filter(([k]) => k !== '200').map(([k, v]) => `${v}×${k}`);
      // A timeout fails the smoke run (something hung); in a full run it is a finding, in the notes.
      check(requests > 0 && non200.length === 0 && errors === 0 && !(o.smoke && timeouts),
        `${s.id}: ${fmtInt(requests)} answers, all 200, no wrk errors` +
        (non200.length ? ` (other statuses: ${non200.join(', ')})` : '') + (errors ? ` (${errors} wrk errors)` : '') +
        (timeouts ? ` (${timeouts} timeouts)` : ''));
    }

    // Targets (stated for one size; shown for the others as a guide).
    const targetLines = [];
    for (const s of scenarios) {
      const t = s.target;
      if (!t) continue;
      const at = t.size && t.size !== o.size ? ` (stated for size ${t.size}; this run is ${o.size})` : '';
      if (s.driver) {
        const bt = burstTargets.get(s.id);
        if (!bt) { targetLines.push(`- ${s.name}: ${s.pending}`); continue; }
        if (s.driver === 'signup-burst') {
          const ok = bt.errors <= t.maxErrors && bt.problems.length === 0;
          targetLines.push(`- ${s.name}: errors ≤ ${t.maxErrors} and every event's list right: ${bt.errors} errors, ` +
            `${bt.problems.length} wrong in the lists, ${ok ? 'met' : 'missed'}; p95 of the booking ${fmtMs(bt.p95)} ms (no target)`);
          continue;
        }
        if (s.driver === 'reminder-scan') {
          const ok = bt.first.ms < t.maxSeconds * 1000 && bt.second.ms < t.maxSeconds * 1000 && bt.second.sent === 0;
          targetLines.push(`- ${s.name}${at}: each run under ${t.maxSeconds} s, nothing sent twice: ` +
            `${(bt.first.ms / 1000).toFixed(2)} s and ${(bt.second.ms / 1000).toFixed(2)} s, the second sent ${bt.second.sent}, ${ok ? 'met' : 'missed'}`);
          continue;
        }
        if (s.driver === 'import-load') {
          targetLines.push(`- ${s.name}: errors ≤ ${t.maxErrors}: ${bt.errors}, ${bt.errors <= t.maxErrors ? 'met' : 'missed'}; ` +
            `p99 of the sign-in ${fmtMs(bt.signin.p99)} ms and of the answer save ${fmtMs(bt.save.p99)} ms (no target)`);
          continue;
        }
        targetLines.push(`- ${s.name}: errors ≤ ${t.maxErrors}: ${bt.errors}, ${bt.errors <= t.maxErrors ? 'met' : 'missed'}; ` +
          `p95 of the attempt start ${fmtMs(bt.start.p95)} ms and of the answer save ${fmtMs(bt.save.p95)} ms (no target)`);
        continue;
      }
      const row = rows.find((r) => r.id === s.id);
      if (!row || row.pending) { targetLines.push(`- ${s.name}: ${s.pending}${at}`); continue; }
      const parts = [];
      const mark = (ok) => (ok ? 'met' : 'missed');
      if (t.minRps) parts.push(`≥ ${fmtInt(t.minRps)} req/s: ${fmtInt(row.rps)}, ${mark(row.rps >= t.minRps)}`);
      if (t.maxP99Ms) parts.push(`p99 < ${t.maxP99Ms} ms: ${fmtMs(row.p99)} ms, ${mark(row.p99 / 1000 < t.maxP99Ms)}`);
      if (t.maxQueries) parts.push(`≤ ${t.maxQueries} queries/request: ${fmtQ(row.qpr)}, ${mark(row.qpr <= t.maxQueries)}`);
      if (t.minRatio) parts.push(`≥ ${t.minRatio} of nginx: ${fmtRatio(row.ratio)}, ${mark(row.ratio >= t.minRatio)}`);
      targetLines.push(`- ${s.name}${at}: ${parts.join('; ')}`);
    }
    {
      const at = processTargets.size !== o.size ? ` (stated for size ${processTargets.size}; this run is ${o.size})` : '';
      targetLines.push(`- peak RSS under load < ${processTargets.maxPeakRssMiB} MiB${at}: ${fmtMiB(overallPeak)} MiB, ` +
        `${overallPeak / 1024 < processTargets.maxPeakRssMiB ? 'met' : 'missed'}`);
    }

    const version = run(bin, ['version']).stdout.trim();
    const m1 = machine();
    const out = [
      `# Lectern benchmark, size ${o.size}`,
      '',
      `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}${o.smoke ? ' (smoke run: timings mean nothing)' : ''}`,
      `- machine: ${m0.cores} cores (${m0.cpu}), ${m0.memGiB} GiB memory, ${m0.kernel}; load average ${m0.load} before, ${m1.load} after`,
      `- Lectern: ${version}, ${dbUrl ? 'PostgreSQL' : 'SQLite'}, ${path.relative(repoRoot, bin)}; dataset ${o.size} seed ${o.seed} (${genSeconds.toFixed(1)} s to make or reuse)`,
      `- load: wrk -t${o.threads} -c${o.connections}, ${o.rounds} round${o.rounds > 1 ? 's' : ''} × ${o.duration} s per scenario, each after the same run against nginx ${run(nginxBin, ['-v']).stderr.trim().replace(/^nginx version: /, '')} serving static/lectern.css; all on 127.0.0.1, load generator on the same cores`,
      `- peak RSS: VmHWM of lectern serve, ${canReset ? 'reset before each run' : 'since start (the kernel refused a reset)'}`,
      '',
      table(rows),
      '',
      ...(notes.length ? [...notes.map((n) => `- ${n}`), ''] : []),
      ...(burstSections.length ? ['## Quiz burst', '', ...burstSections] : []),
      '## Targets',
      '',
      ...targetLines,
      '',
    ].join('\n');
    console.log('\n' + out);
    const outFile = o.out ? path.resolve(o.out) : (o.smoke ? path.join(work, 'latest.md') : path.join(benchDir, 'results', 'latest.md'));
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, out);
    const written = fs.readFileSync(outFile, 'utf8');
    check(written.includes('| scenario |') && rows.every((r) => written.includes(r.name)), `the table was written to ${outFile}`);
  } catch (err) {
    check(false, `the benchmark ran to the end: ${err.stack || err}`);
  } finally {
    await stopProcess(nginx, 'SIGQUIT');
    await stopProcess(lectern2, 'SIGTERM');
    if (lectern) {
      await stopProcess(lectern, 'SIGTERM');
      const code = lectern.exitCode;
      const clean = code === 0 && !/ERROR: (Address|Leak)Sanitizer|runtime error:/.test(lectern.output());
      check(clean, `lectern serve stopped cleanly (exit ${code}${lectern.signalCode ? `, ${lectern.signalCode}` : ''})`);
      if (!clean) console.log(lectern.output().slice(-4000));
    }
    fs.rmSync(work, { recursive: true, force: true });
  }
  const failed = checks.filter((c) => !c.ok).length;
  console.log(`\n${checks.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err.usage ? err.message : (err.stack || String(err)));
  console.log('\n0 passed, 1 failed');
  process.exit(err.usage ? 2 : 1);
});
