#!/usr/bin/env node
// The sign-up burst: the learners of the SIGNUP course book the events of its session within a
// few seconds, each with their own session token, on one node or on several nodes of one
// PostgreSQL database (the learners take the nodes in turn).
//
//   node bench/signup_burst.mjs --base http://127.0.0.1:PORT [--base ...] --data DIR
//                               [--spread SECONDS] [--events N] [--seats N] [--learners N]
//                               [--connections N]
//
// DIR is a dataset made by `lectern bench-data`: DIR/signup.course holds "CODE SESSION_ID",
// DIR/signup.tokens one session token a line (the course's learners) and DIR/admin.tokens the
// administrators' tokens. Each run:
//   1. an administrator plans --events new events (default 10) of --seats seats (default 30) in
//      the session, a month ahead (POST /api/v1/courses/CODE/events), so runs never meet;
//   2. each learner's username is read (GET /api/v1/me), before the clock starts;
//   3. learner i books event i mod N (POST /api/v1/events/ID/bookings) at a time spread evenly
//      over --spread seconds (default 5), at most --connections (default 64) at once;
//   4. each event's bookings are read back (GET /api/v1/events/ID/bookings) and checked: exactly
//      min(seats, learners of the event) booked, the rest waitlisted with positions 1..N in a
//      row, and every learner where their answer said (booked or waitlisted).
// Reports the requests, errors, p50, p95, p99 and max latency, queries per request, and every
// problem the check found.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './quiz_burst.mjs';

const REQUEST_TIMEOUT_MS = 30000;

/** DIR/signup.course, DIR/signup.tokens and the first administrator's token; null when the
 *  dataset has no sign-up course. */
export function readSignupData(dataDir) {
  const course = path.join(dataDir, 'signup.course');
  const tokens = path.join(dataDir, 'signup.tokens');
  if (!fs.existsSync(course) || !fs.existsSync(tokens)) return null;
  const [code, sessionId] = fs.readFileSync(course, 'utf8').trim().split(/\s+/);
  return {
    code, sessionId: Number(sessionId),
    tokens: fs.readFileSync(tokens, 'utf8').split('\n').filter(Boolean),
    admin: fs.readFileSync(path.join(dataDir, 'admin.tokens'), 'utf8').split('\n')[0],
  };
}

function client(bases, connections) {
  const agents = bases.map(() => new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections }));
  const urls = bases.map((b) => {
    const u = new URL(b);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`sign-up burst: ${b} is not on loopback`);
    return u;
  });
  /** One JSON request to node `node`: resolves { status, ms, queries, json, text, error }. */
  const request = (node, method, p, token, body) => new Promise((resolve) => {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const t0 = process.hrtime.bigint();
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (payload) { headers['content-type'] = 'application/json'; headers['content-length'] = payload.length; }
    const u = urls[node % urls.length];
    const req = http.request({ host: u.hostname, port: u.port, path: p, method, headers, agent: agents[node % urls.length] }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* reported by the caller */ }
        const q = Number(res.headers['x-lectern-queries']);
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, queries: Number.isFinite(q) ? q : null, json, text });
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: err.message }));
    if (payload) req.write(payload);
    req.end();
  });
  return { request, close: () => agents.forEach((a) => a.destroy()) };
}

/** Runs at most `limit` of fn(i) for i in 0..n-1 at once, each not before startAt(i). */
async function paced(n, limit, startAt, fn) {
  let free = limit;
  const waiting = [];
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise((r) => waiting.push(r)));
  const release = () => { const w = waiting.shift(); if (w) w(); else free++; };
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const wait = startAt(i) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await acquire();
    try { await fn(i); } finally { release(); }
  }));
}

/** The day a run's events take place: a day after every event planned in the course so far,
 * since a learner booked by an earlier run holds a place at that run's time, and a booking
 * that overlaps it is refused. */
async function freeDay(c, data) {
  const r = await c.request(0, 'GET', `/api/v1/courses/${encodeURIComponent(data.code)}/events`, data.admin);
  if (r.status !== 200 || !r.json) throw new Error(`sign-up burst: the course's events answered ${r.status}: ${r.error || r.text.slice(0, 200)}`);
  let after = Date.now() + 30 * 86400000;
  for (const e of r.json.events || []) after = Math.max(after, Date.parse(e.ends_at) + 86400000);
  return new Date(after).toISOString().slice(0, 10);
}

/** Plans the events of one run: their ids. */
async function planEvents(c, data, n, seats, tag) {
  const day = await freeDay(c, data);
  const ids = [];
  for (let k = 0; k < n; k++) {
    const body = { title: `Sign-up burst ${tag}, group ${k + 1}`, starts_at: `${day}T09:00`, ends_at: `${day}T17:00`,
      timezone: 'UTC', meeting_url: 'https://meet.example.org/signup-burst', seats, activity_id: data.sessionId };
    const r = await c.request(0, 'POST', `/api/v1/courses/${encodeURIComponent(data.code)}/events`, data.admin, body);
    if (r.status !== 201 || !r.json || !Number.isInteger(r.json.id))
      throw new Error(`sign-up burst: planning an event answered ${r.status}: ${r.error || r.text.slice(0, 200)}`);
    ids.push(r.json.id);
  }
  return ids;
}

/** Each learner's username, asked before the clock starts (null where the answer had none). */
async function usernames(c, tokens, connections) {
  const names = new Array(tokens.length).fill(null);
  await paced(tokens.length, connections, () => 0, async (i) => {
    const r = await c.request(i, 'GET', '/api/v1/me', tokens[i]);
    names[i] = r.json && typeof r.json.username === 'string' ? r.json.username : null;
  });
  return names;
}

/** What each event's bookings say against the answers: a list of problems, empty when right. */
export function checkEvent(eventId, seats, answered, bookings) {
  const problems = [];
  const booked = bookings.filter((b) => b.state === 'booked');
  const waiting = bookings.filter((b) => b.state === 'waitlisted');
  const asked = answered.length;
  if (booked.length !== Math.min(seats, asked)) problems.push(`event ${eventId}: ${booked.length} booked, not ${Math.min(seats, asked)}`);
  if (booked.length + waiting.length !== asked) problems.push(`event ${eventId}: ${booked.length + waiting.length} places for ${asked} learners`);
  waiting.forEach((b, k) => { if (b.position !== k + 1) problems.push(`event ${eventId}: waitlist place ${k + 1} has position ${b.position}`); });
  const where = new Map(bookings.map((b) => [b.username, b.state]));
  for (const a of answered)
    if (where.get(a.username) !== a.state) problems.push(`event ${eventId}: ${a.username} was told ${a.state}, the list says ${where.get(a.username) || 'nothing'}`);
  return problems;
}

/**
 * One sign-up burst against bases (one or more nodes of one database). Resolves
 * { learners, events, seats, nodes, wallS, spreadS, steps: { book }, booked, waitlisted,
 *   problems: [...], errorSamples: [...] }.
 */
export async function signupBurst({ bases, data, spreadS = 5, events = 10, seats = 30, learners = null, connections = 64, tag = String(Date.now()), log = () => {} }) {
  const tokens = learners ? data.tokens.slice(0, learners) : data.tokens;
  const c = client(bases, connections);
  try {
    const ids = await planEvents(c, data, events, seats, tag);
    const names = await usernames(c, tokens, connections);
    const book = { requests: 0, errors: 0, lat: [], queries: 0, queried: 0, statuses: {} };
    const errorSamples = [];
    const answered = ids.map(() => []);
    const t0 = Date.now() + 200;
    const n = tokens.length;
    await paced(n, connections, (i) => t0 + (n > 1 ? (i * spreadS * 1000) / (n - 1) : 0), async (i) => {
      const r = await c.request(i, 'POST', `/api/v1/events/${ids[i % events]}/bookings`, tokens[i], {});
      book.requests++;
      book.statuses[r.status] = (book.statuses[r.status] || 0) + 1;
      if (r.queries !== null && r.queries !== undefined) { book.queries += r.queries; book.queried++; }
      const state = r.json && r.json.state;
      if (r.status === 201 && (state === 'booked' || state === 'waitlisted')) {
        book.lat.push(r.ms);
        answered[i % events].push({ username: names[i], state });
      } else {
        book.errors++;
        if (errorSamples.length < 8) errorSamples.push(`learner ${i}: ${r.error || `${r.status} ${String(r.text).slice(0, 200)}`}`);
      }
    });
    const wallS = (Date.now() - t0) / 1000;
    log(`sign-up burst: ${book.requests} bookings in ${wallS.toFixed(1)} s, ${book.errors} errors; checking the lists`);
    const problems = names.some((x) => !x) ? ['some learners\' usernames could not be read'] : [];
    let booked = 0;
    let waitlisted = 0;
    for (let k = 0; k < events; k++) {
      const r = await c.request(0, 'GET', `/api/v1/events/${ids[k]}/bookings`, data.admin);
      const list = r.json && Array.isArray(r.json.bookings) ? r.json.bookings : null;
      if (!list) { problems.push(`event ${ids[k]}: its bookings answered ${r.status}`); continue; }
      booked += list.filter((b) => b.state === 'booked').length;
      waitlisted += list.filter((b) => b.state === 'waitlisted').length;
      problems.push(...checkEvent(ids[k], seats, answered[k], list));
    }
    return { learners: n, events, seats, nodes: bases.length, wallS, spreadS, connections, steps: { book }, booked, waitlisted, problems, errorSamples };
  } finally {
    c.close();
  }
}

const fmt = (x) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(2) : x.toFixed(1)) : '–');

/** One line of words for a run. */
export function signupSummary(res) {
  const b = res.steps.book;
  return `${res.learners} learners on ${res.nodes} node${res.nodes > 1 ? 's' : ''} booking ${res.events} events of ${res.seats} seats ` +
    `over ${res.spreadS} s: ${res.booked} booked, ${res.waitlisted} waitlisted, ${b.errors} errors; booking p50 ${fmt(percentile(b.lat, 50))} ms, ` +
    `p95 ${fmt(percentile(b.lat, 95))} ms, p99 ${fmt(percentile(b.lat, 99))} ms, max ${fmt(b.lat.length ? Math.max(...b.lat) : NaN)} ms, ` +
    `${b.queried ? (b.queries / b.queried).toFixed(2) : '–'} queries a booking` +
    (res.problems.length ? `; the lists are wrong: ${res.problems.slice(0, 5).join('; ')}` : '; every list checked');
}

// ---- standalone ----
async function main() {
  const o = { bases: [], data: null, spread: 5, events: 10, seats: 30, learners: null, connections: 64 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i];
    if (a === '--base') o.bases.push(val());
    else if (a === '--data') o.data = val();
    else if (['--spread', '--events', '--seats', '--learners', '--connections'].includes(a)) o[a.slice(2)] = Number(val());
    else { console.error(`signup_burst: unknown option ${a}`); return 2; }
  }
  if (!o.bases.length || !o.data) { console.error('usage: node bench/signup_burst.mjs --base URL [--base URL] --data DIR [--spread S] [--events N] [--seats N] [--learners N] [--connections N]'); return 2; }
  const data = readSignupData(o.data);
  if (!data) { console.error(`signup_burst: ${o.data} has no signup.course and signup.tokens (make it with lectern bench-data)`); return 1; }
  const res = await signupBurst({ bases: o.bases, data, spreadS: o.spread, events: o.events, seats: o.seats, learners: o.learners, connections: o.connections, log: console.log });
  console.log(signupSummary(res));
  for (const e of res.errorSamples) console.log(`- ${e}`);
  const failed = res.steps.book.errors + res.problems.length;
  console.log(`\n${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
  return failed ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main().then((c) => process.exit(c), (e) => { console.error(e.stack || String(e)); process.exit(1); });
