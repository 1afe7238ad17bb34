#!/usr/bin/env node
// The quiz burst (issue 6): the learners of the burst course start the same quiz within a few
// seconds and each saves an answer to every question, one request per answer.
//
//   node bench/quiz_burst.mjs --base http://127.0.0.1:PORT --data DIR
//                             [--spread SECONDS] [--connections N] [--learners N] [--no-submit]
//
// DIR is a dataset made by `lectern bench-data`: DIR/burst.quiz holds "CODE QUIZ_ID" and
// DIR/burst.tokens one session token a line (the course's learners). Every learner, at a start
// time spread evenly over --spread seconds (default 10):
//   1. POST /api/v1/courses/CODE/quizzes/QUIZ_ID/attempts   (201 new, 200 resumed)
//   2. PUT  /api/v1/attempts/ID/answers, once per question of the attempt, {"answers":
//      {"<slot>": response}, "page": 0}, a valid response for the question's type (read from
//      the attempt's JSON)
//   3. POST /api/v1/attempts/ID/submit (unless --no-submit), so that the next run starts new
//      attempts (the quiz allows unlimited attempts).
// At most --connections learners (default 64) are in flight at once, each on its own
// keep-alive connection to 127.0.0.1; a learner waiting for a free connection starts late, and
// the lag is reported. Every request times out after 30 s and the whole run stops by itself
// (after the spread plus at most 10 minutes). Reports, per step, the requests, errors, p50,
// p95, p99 and max latency, and the database statements per request from X-Lectern-Queries.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUEST_TIMEOUT_MS = 30000;
const RUN_LIMIT_MS = 10 * 60 * 1000;

/** Reads DIR/burst.quiz and DIR/burst.tokens; null when the dataset has no burst course. */
export function readBurstData(dataDir) {
  const quizFile = path.join(dataDir, 'burst.quiz');
  const tokenFile = path.join(dataDir, 'burst.tokens');
  if (!fs.existsSync(quizFile) || !fs.existsSync(tokenFile)) return null;
  const [code, quizId] = fs.readFileSync(quizFile, 'utf8').trim().split(/\s+/);
  const tokens = fs.readFileSync(tokenFile, 'utf8').split('\n').filter(Boolean);
  return { code, quizId: Number(quizId), tokens };
}

export const percentile = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

// A small seeded generator (mulberry32): the same answers from run to run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const indexOf = (item, i) => (item && typeof item === 'object' && Number.isInteger(item.index) ? item.index : i);

/** A valid response (assessments.h) for one question of an attempt's JSON; null for a
 *  description (nothing to answer). */
export function responseFor(q, rand) {
  const answers = Array.isArray(q.answers) ? q.answers : [];
  const pick = () => indexOf(answers[Math.floor(rand() * answers.length)], 0);
  switch (q.type) {
    case 'single': return { choice: pick() };
    case 'multi': {
      const a = pick();
      const b = pick();
      return { choices: a === b ? [a] : [a, b] };
    }
    case 'truefalse': return { value: rand() < 0.5 };
    case 'short': return { text: rand() < 0.7 ? 'quiz burst' : 'not sure' };
    case 'numerical': return { value: String(Math.floor(rand() * 10)) };
    case 'matching': {
      const lefts = q.lefts || [];
      const rights = q.rights || [];
      return { pairs: lefts.map((_, i) => indexOf(rights[i % Math.max(1, rights.length)], i % Math.max(1, rights.length))) };
    }
    case 'essay': return { text: 'An answer written during the quiz burst.' };
    default: return null;
  }
}

function stepStats() {
  return { requests: 0, errors: 0, lat: [], queries: 0, queried: 0, statuses: {} };
}

/**
 * Runs the burst against a Lectern at base (http://127.0.0.1:PORT). Resolves
 * { learners, wallS, spreadS, connections, steps: { start, save, submit }, lagMs: [...],
 *   newAttempts, resumed, errorSamples: [...], unanswered }.
 */
export async function quizBurst({ base, data, spreadS = 10, connections = 64, learners = null, submit = true, log = () => {} }) {
  const url = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`quiz burst: ${base} is not on loopback`);
  const tokens = learners ? data.tokens.slice(0, learners) : data.tokens;
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const steps = { start: stepStats(), save: stepStats(), submit: stepStats() };
  const errorSamples = [];
  const lagMs = [];
  let newAttempts = 0;
  let resumed = 0;
  let unanswered = 0;
  let stopped = false;

  const note = (step, what) => {
    steps[step].errors++;
    if (errorSamples.length < 8) errorSamples.push(`${step}: ${what}`);
  };

  function request(method, p, token, body) {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    return new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
      if (payload) { headers['content-type'] = 'application/json'; headers['content-length'] = payload.length; }
      const req = http.request({ host: url.hostname, port: url.port, path: p, method, headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - t0) / 1e6;
          const q = res.headers['x-lectern-queries'];
          resolve({ status: res.statusCode, ms, queries: q === undefined ? null : Number(q), text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => resolve({ status: 0, ms: 0, error: err.message }));
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on('error', (err) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: err.message }));
      if (payload) req.write(payload);
      req.end();
    });
  }

  // Records one answer of a step; true when its status is one of ok.
  function record(step, r, ok, what) {
    const s = steps[step];
    s.requests++;
    s.statuses[r.status] = (s.statuses[r.status] || 0) + 1;
    if (r.queries !== null && r.queries !== undefined && Number.isFinite(r.queries)) { s.queries += r.queries; s.queried++; }
    if (ok.includes(r.status)) { s.lat.push(r.ms); return true; }
    note(step, `${what}: ${r.error || `${r.status} ${String(r.text).slice(0, 200)}`}`);
    return false;
  }

  async function learner(i, token) {
    const rand = rng(i * 2654435761 + 1);
    const started = await request('POST', `/api/v1/courses/${encodeURIComponent(data.code)}/quizzes/${data.quizId}/attempts`, token, {});
    if (!record('start', started, [200, 201], `POST attempts (learner ${i})`)) return;
    let attempt;
    try { attempt = JSON.parse(started.text).attempt; } catch { /* below */ }
    if (!attempt || !Number.isInteger(attempt.id) || !Array.isArray(attempt.questions)) {
      note('start', `learner ${i}: the answer holds no attempt with questions: ${started.text.slice(0, 200)}`);
      return;
    }
    if (started.status === 201) newAttempts++; else resumed++;
    for (const q of attempt.questions) {
      if (stopped) return;
      const response = responseFor(q, rand);
      if (response === null) { unanswered++; continue; }
      const r = await request('PUT', `/api/v1/attempts/${attempt.id}/answers`, token, { answers: { [String(q.slot)]: response }, page: 0 });
      record('save', r, [200], `PUT answers slot ${q.slot} of attempt ${attempt.id} (${q.type})`);
    }
    if (submit && !stopped) {
      const r = await request('POST', `/api/v1/attempts/${attempt.id}/submit`, token, {});
      record('submit', r, [200], `POST submit of attempt ${attempt.id}`);
    }
  }

  // Bounded concurrency: a learner runs when its start time has come and a slot is free.
  const t0 = Date.now();
  let free = connections;
  const waiting = [];
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise((r) => waiting.push(r)));
  const release = () => { const w = waiting.shift(); if (w) w(); else free++; };
  const n = tokens.length;
  const runs = tokens.map(async (token, i) => {
    const at = t0 + (n > 1 ? (i * spreadS * 1000) / (n - 1) : 0);
    const wait = at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await acquire();
    try {
      if (stopped) { note('start', `learner ${i}: not started before the run's time limit`); return; }
      lagMs.push(Date.now() - at);
      await learner(i, token);
    } finally { release(); }
  });
  let limitTimer;
  const limit = new Promise((r) => { limitTimer = setTimeout(() => { stopped = true; r(); }, spreadS * 1000 + RUN_LIMIT_MS); });
  let progress = setInterval(() => log(`quiz burst: ${steps.start.requests}/${n} started, ${steps.save.requests} answers saved, ` +
    `${steps.start.errors + steps.save.errors + steps.submit.errors} errors`), 5000);
  await Promise.race([Promise.all(runs), limit.then(() => Promise.all(runs))]);
  clearTimeout(limitTimer);
  clearInterval(progress);
  progress = null;
  const wallS = (Date.now() - t0) / 1000;
  agent.destroy();
  return { learners: n, wallS, spreadS, connections, steps, lagMs, newAttempts, resumed, unanswered, errorSamples };
}

const fmt = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–');

/** The burst's own table: one row per step. */
export function burstTable(res) {
  const head = ['step', 'requests', 'errors', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'queries/request'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i ? '---:' : '---')).join('|')}|`];
  const names = { start: 'attempt start (POST .../quizzes/ID/attempts)', save: 'answer save (PUT /api/v1/attempts/ID/answers)', submit: 'submit (POST /api/v1/attempts/ID/submit)' };
  for (const [k, s] of Object.entries(res.steps)) {
    if (!s.requests && k === 'submit') continue;
    lines.push(`| ${names[k]} | ${s.requests.toLocaleString('en-US')} | ${s.errors} | ${fmt(percentile(s.lat, 50))} | ${fmt(percentile(s.lat, 95))} | ` +
      `${fmt(percentile(s.lat, 99))} | ${fmt(s.lat.length ? Math.max(...s.lat) : NaN)} | ${s.queried ? (s.queries / s.queried).toFixed(2) : '–'} |`);
  }
  return lines.join('\n');
}

export const burstErrors = (res) => Object.values(res.steps).reduce((a, s) => a + s.errors, 0);

// ---- standalone ----
async function main() {
  const o = { base: null, data: null, spread: 10, connections: 64, learners: null, submit: true };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === '--base') o.base = val();
    else if (a === '--data') o.data = val();
    else if (a === '--spread') o.spread = Number(val());
    else if (a === '--connections') o.connections = Number(val());
    else if (a === '--learners') o.learners = Number(val());
    else if (a === '--no-submit') o.submit = false;
    else { console.error(`quiz_burst: unknown option ${a}`); return 2; }
  }
  if (!o.base || !o.data) { console.error('usage: node bench/quiz_burst.mjs --base http://127.0.0.1:PORT --data DIR [--spread S] [--connections N] [--learners N] [--no-submit]'); return 2; }
  const data = readBurstData(o.data);
  if (!data) { console.error(`quiz_burst: ${o.data} has no burst.quiz and burst.tokens (make it with lectern bench-data)`); return 1; }
  const res = await quizBurst({ base: o.base, data, spreadS: o.spread, connections: o.connections, learners: o.learners, submit: o.submit, log: console.log });
  console.log(`\n${res.learners} learners over ${res.spreadS} s, ${res.connections} connections, ${res.wallS.toFixed(1)} s in all; ` +
    `${res.newAttempts} new attempts, ${res.resumed} resumed; start lag p95 ${fmt(percentile(res.lagMs, 95))} ms\n`);
  console.log(burstTable(res));
  for (const e of res.errorSamples) console.log(`- ${e}`);
  const errors = burstErrors(res);
  console.log(`\n${errors} errors`);
  return errors ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main().then((c) => process.exit(c), (e) => { console.error(e.stack || String(e)); process.exit(1); });
