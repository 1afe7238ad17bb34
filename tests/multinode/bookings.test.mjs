// Bookings through two `lectern serve` nodes on one PostgreSQL database: sixty learners book one
// event of twenty seats at the same moment, half through each node. The seats are never
// oversold: exactly twenty are booked and forty waitlisted at places 1 to 40, and no request
// fails. Then cancellations made through one node promote the first on the waitlist, as the
// other node sees at once.
// Needs LECTERN_TEST_PG (scripts/pg-test-cluster.sh sets it); skipped without it.
// Run: scripts/pg-test-cluster.sh make multinode
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, createTestDatabase, api, show, signIn, adminToken, createUser, testPg } from '../lib/server.mjs';

const skip = !testPg && 'LECTERN_TEST_PG is not set (run under scripts/pg-test-cluster.sh)';
const COURSE = 'NODES-1';
const PW = 'Learner-Password-2030';
const SEATS = 20;
const LEARNERS = 60;
let a;
let b;
let admin;
let eventId;
const learners = []; // { username, token, node }
const dirs = [];

async function call(server, token, method, urlPath, body, status) {
  const r = await api(server, method, urlPath, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${urlPath}: ${show(r)}`);
  return r;
}

before(async () => {
  if (skip) return;
  const db = createTestDatabase('lectern_booking_nodes');
  for (let i = 0; i < 2; i++) dirs.push(fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-node-')));
  [a, b] = await Promise.all(['node-a', 'node-b'].map((name, i) => startServer({
    env: { LECTERN_DB: db }, dataDir: dirs[i], args: ['--node-name', name, '--job-workers', '0'],
  })));
  // One of the two made the administrator and printed the one-time password.
  a.adminPassword = b.adminPassword = a.adminPassword || b.adminPassword;
  admin = await adminToken(a);
  await call(a, admin, 'POST', '/api/v1/courses', { code: COURSE, title: 'Evacuation drill', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(a, admin, 'POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Class' }, 201)).json.id;
  const session = (await call(a, admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'session', title: 'Drill day' }, 201)).json.activity.id;
  for (let i = 1; i <= LEARNERS; i++) {
    const username = `n${String(i).padStart(2, '0')}`;
    await createUser(a, { username, first_name: 'N', last_name: username, roles: ['learner'], password: PW }, admin);
    learners.push({ username });
  }
  await call(a, admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { usernames: learners.map((l) => l.username).join('\n'), role: 'learner' });
  const day = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
  eventId = (await call(a, admin, 'POST', `/api/v1/courses/${COURSE}/events`, {
    title: 'Drill', starts_at: `${day}T09:00`, ends_at: `${day}T12:00`, timezone: 'UTC',
    meeting_url: 'https://meet.example.org/drill', seats: SEATS, activity_id: session,
  }, 201)).json.id;
  // Half of the learners on each node, each signed in there.
  for (const [i, l] of learners.entries()) {
    l.node = i % 2 ? b : a;
    l.token = await signIn(l.node, l.username, PW);
  }
});

after(async () => {
  for (const s of [a, b]) if (s) await s.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The event's bookings as a node sees them: { username: { state, position } }. */
async function bookingsOn(server) {
  const list = (await call(server, admin, 'GET', `/api/v1/events/${eventId}/bookings`, undefined, 200)).json.bookings;
  return Object.fromEntries(list.map((x) => [x.username, { state: x.state, position: x.position }]));
}

const places = (bookings) => Object.values(bookings).filter((x) => x.state === 'waitlisted').map((x) => x.position)
  .sort((x, y) => x - y);
const range = (n) => Array.from({ length: n }, (_, i) => i + 1);

test('sixty learners book twenty seats at once through two nodes: twenty booked, forty waitlisted 1..40, no errors', { skip }, async () => {
  const answers = await Promise.all(learners.map((l) => api(l.node, 'POST', `/api/v1/events/${eventId}/bookings`, { token: l.token })));
  for (const [i, r] of answers.entries()) assert.equal(r.status, 201, `${learners[i].username}: ${show(r)}`);
  const states = answers.map((r) => r.json.state);
  assert.equal(states.filter((s) => s === 'booked').length, SEATS);
  assert.equal(states.filter((s) => s === 'waitlisted').length, LEARNERS - SEATS);
  for (const server of [a, b]) {
    const seen = await bookingsOn(server);
    assert.equal(Object.keys(seen).length, LEARNERS);
    assert.equal(Object.values(seen).filter((x) => x.state === 'booked').length, SEATS);
    assert.deepEqual(places(seen), range(LEARNERS - SEATS), 'each waitlisted learner has a place of their own');
    // What each learner was answered is what both nodes hold.
    for (const [i, l] of learners.entries()) assert.equal(seen[l.username].state, states[i], l.username);
  }
  const event = (await call(b, admin, 'GET', `/api/v1/events/${eventId}`, undefined, 200)).json.event;
  assert.equal(event.free, 0);
});

test('cancellations through one node promote the first on the waitlist, seen on the other at once', { skip }, async () => {
  const before = await bookingsOn(b);
  const booked = learners.filter((l) => before[l.username].state === 'booked');
  const nextUp = learners.filter((l) => before[l.username].state === 'waitlisted')
    .sort((x, y) => before[x.username].position - before[y.username].position).slice(0, 3);
  // Three booked learners who signed in on node A cancel there.
  const leaving = booked.filter((l) => l.node === a).slice(0, 3);
  assert.equal(leaving.length, 3);
  for (const l of leaving) await call(a, l.token, 'DELETE', `/api/v1/events/${eventId}/bookings/${l.username}`, undefined, 200);

  const after = await bookingsOn(b);
  for (const l of leaving) assert.equal(after[l.username], undefined, `${l.username} no longer listed`);
  for (const l of nextUp) assert.equal(after[l.username].state, 'booked', `${l.username} promoted`);
  assert.equal(Object.values(after).filter((x) => x.state === 'booked').length, SEATS);
  assert.deepEqual(places(after), range(LEARNERS - SEATS - 3), 'the waitlist moved up by three');
  // A promoted learner signed in on node B sees the seat there too.
  const onB = nextUp.find((l) => l.node === b) || nextUp[0];
  const mine = (await call(onB.node, onB.token, 'GET', `/api/v1/events/${eventId}`, undefined, 200)).json.event;
  assert.equal(mine.my_booking, 'booked');
});
