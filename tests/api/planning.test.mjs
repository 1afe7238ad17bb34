// Planning through the API: rooms, events of a session activity, bookings with a waitlist that
// never oversells (40 people booking a 10-seat event at once), cancelling with promotion from
// the waitlist, attendance completing the session, and the errors that say what to fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Copper-Lantern-Orchard-47';
const COURSE = 'PLAN-1';
let server;
let admin;
let ivy;
let lea;
let session;
let room;
const later = (days, hour = 9) => {
  const d = new Date(Date.now() + days * 86400000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00Z`;
};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  await call(admin, 'POST', '/api/v1/courses', { code: COURSE, title: 'First aid', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Class' }, 201)).json.id;
  session = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'session', title: 'Classroom day' }, 201)).json.activity.id;
  await createUser(server, { username: 'ivy', first_name: 'Ivy', last_name: 'Trainer', roles: ['instructor'], password: PW }, admin);
  await createUser(server, { username: 'lea', first_name: 'Lea', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  const learners = [];
  for (let i = 1; i <= 40; i++) {
    const username = `p${String(i).padStart(2, '0')}`;
    await createUser(server, { username, first_name: 'P', last_name: username, roles: ['learner'], password: PW }, admin);
    learners.push(username);
  }
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'ivy', role: 'instructor' }, 201);
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { usernames: ['lea', ...learners].join('\n'), role: 'learner' });
  room = (await call(admin, 'POST', '/api/v1/rooms', { name: 'Room 2', site: 'Head office', capacity: 12, resources: 'projector' }, 201)).json.id;
  ivy = await signIn(server, 'ivy', PW);
  lea = await signIn(server, 'lea', PW);
});
after(async () => { if (server) await server.stop(); });

// Each event on a day of its own: one room and one trainer at the same time would clash.
let day = 10;
const eventBody = (over = {}) => {
  day += 1;
  return { title: 'Day one', starts_at: later(day), ends_at: later(day, 17), timezone: 'Europe/London', room_id: room, seats: 10, trainers: ['ivy'], ...over };
};

test('rooms are listed, changed, refused with a located error, and never deleted while used', async () => {
  const bad = await call(admin, 'POST', '/api/v1/rooms', { name: 'Online', meeting_url: 'http://meet.example.org/x' }, 422);
  assert.equal(bad.json.error.field, 'meeting_url');
  assert.equal((await call(admin, 'POST', '/api/v1/rooms', { name: 'Room 2', site: 'Head office' }, 409)).json.error.field, 'name');
  await call(admin, 'PATCH', `/api/v1/rooms/${room}`, { capacity: 14 }, 200);
  const list = (await call(ivy, 'GET', '/api/v1/rooms', undefined, 200)).json.rooms;
  assert.deepEqual(list.map((r) => [r.name, r.capacity, r.resources]), [['Room 2', 14, 'projector']]);
  await call(lea, 'POST', '/api/v1/rooms', { name: 'Mine' }, 403);
  const ev = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ title: 'Uses the room' }), 201)).json.id;
  const del = await call(admin, 'DELETE', `/api/v1/rooms/${room}`, undefined, 409);
  assert.match(del.json.error.message, /Uses the room/);
  await call(ivy, 'POST', `/api/v1/events/${ev}/cancel`, undefined, 200);
});

test('a virtual room keeps its meeting address and dial-in text, and its events show them', async () => {
  const dial = 'Dial +44 20 7946 0000\nAccess code 123 456';
  assert.equal((await call(admin, 'POST', '/api/v1/rooms', { name: 'Online 1', meeting_url: 'https://meet.example.org/one', dial_in: 'x'.repeat(2001) }, 422)).json.error.field, 'dial_in');
  const online = (await call(admin, 'POST', '/api/v1/rooms', { name: 'Online 1', meeting_url: 'https://meet.example.org/one', dial_in: dial }, 201)).json.id;
  assert.equal((await call(ivy, 'GET', `/api/v1/rooms/${online}`, undefined, 200)).json.room.dial_in, dial);
  const ev = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ title: 'Online briefing', room_id: online, starts_at: later(30), ends_at: later(30, 17) }), 201)).json.id;
  const shown = (await call(lea, 'GET', `/api/v1/events/${ev}`, undefined, 200)).json.event.room;
  assert.deepEqual([shown.meeting_url, shown.dial_in], ['https://meet.example.org/one', dial]);
  await call(admin, 'PATCH', `/api/v1/rooms/${online}`, { dial_in: 'Dial +44 20 7946 0001' }, 200);
  assert.equal((await call(ivy, 'GET', `/api/v1/rooms/${online}`, undefined, 200)).json.room.dial_in, 'Dial +44 20 7946 0001');
  await call(ivy, 'POST', `/api/v1/events/${ev}/cancel`, undefined, 200);
});

test('an event is refused, naming the field, for an end before its start, an unknown zone, room or trainer', async () => {
  const cases = [
    [{ ends_at: later(9) }, 'ends_at'],
    [{ timezone: 'Mars/Olympus' }, 'timezone'],
    [{ room_id: 999999 }, 'room_id'],
    [{ trainers: ['lea'] }, 'trainers'],
    [{ starts_at: 'next tuesday' }, 'starts_at'],
  ];
  for (const [over, field] of cases) {
    const r = await api(server, 'POST', `/api/v1/courses/${COURSE}/events`, { token: ivy, body: eventBody(over) });
    assert.ok(r.status === 422 || r.status === 404, `${JSON.stringify(over)}: ${show(r)}`);
    assert.equal(r.json.error.field, field, JSON.stringify(over));
  }
  await call(lea, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody(), 403);
});

test('a wall-clock time is read in the event\'s zone and stored in UTC', async () => {
  const id = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ starts_at: '2030-07-01T09:30', ends_at: '2030-07-01T12:00' }), 201)).json.id;
  const e = (await call(lea, 'GET', `/api/v1/events/${id}`, undefined, 200)).json.event;
  assert.equal(e.starts_at, '2030-07-01T08:30:00Z'); // British Summer Time
  assert.equal(e.timezone, 'Europe/London');
  assert.deepEqual(e.trainers, ['ivy']);
  await call(ivy, 'POST', `/api/v1/events/${id}/cancel`, undefined, 200);
});

test('40 people booked at once on a 10-seat event: exactly 10 booked, 30 on the waitlist', async () => {
  const id = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody(), 201)).json.id;
  const names = Array.from({ length: 40 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
  const answers = await Promise.all(names.map((username) => api(server, 'POST', `/api/v1/events/${id}/bookings`, { token: admin, body: { username } })));
  for (const r of answers) assert.equal(r.status, 201, show(r));
  const states = answers.map((r) => r.json.state);
  assert.equal(states.filter((s) => s === 'booked').length, 10);
  assert.equal(states.filter((s) => s === 'waitlisted').length, 30);
  const list = (await call(ivy, 'GET', `/api/v1/events/${id}/bookings`, undefined, 200)).json.bookings;
  assert.equal(list.filter((b) => b.state === 'booked').length, 10);
  assert.deepEqual(list.filter((b) => b.state === 'waitlisted').map((b) => b.position), Array.from({ length: 30 }, (_, i) => i + 1));
  const e = (await call(ivy, 'GET', `/api/v1/events/${id}`, undefined, 200)).json.event;
  assert.deepEqual([e.booked, e.free, e.waitlisted], [10, 0, 30]);
  // A booked seat that frees goes to the first on the waitlist.
  const first = list.find((b) => b.state === 'waitlisted' && b.position === 1).username;
  const leaving = list.find((b) => b.state === 'booked').username;
  await call(admin, 'DELETE', `/api/v1/events/${id}/bookings/${leaving}`, undefined, 200);
  const after2 = (await call(ivy, 'GET', `/api/v1/events/${id}/bookings`, undefined, 200)).json.bookings;
  assert.equal(after2.find((b) => b.username === first).state, 'booked');
  assert.equal(after2.filter((b) => b.state === 'booked').length, 10);
  assert.ok(!after2.some((b) => b.username === leaving));
});

test('a learner books and cancels only their own place; twice, cancelled and past events are refused', async () => {
  const id = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ seats: 1 }), 201)).json.id;
  assert.equal((await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201)).json.state, 'booked');
  assert.equal((await call(lea, 'POST', `/api/v1/events/${id}/bookings`, {}, 409)).json.error.field, 'username');
  await call(lea, 'POST', `/api/v1/events/${id}/bookings`, { username: 'p01' }, 403);
  await call(lea, 'GET', `/api/v1/events/${id}/bookings`, undefined, 403);
  await call(lea, 'DELETE', `/api/v1/events/${id}/bookings/p01`, undefined, 403);
  await call(lea, 'DELETE', `/api/v1/events/${id}/bookings/lea`, undefined, 200);
  await call(ivy, 'POST', `/api/v1/events/${id}/cancel`, undefined, 200);
  assert.match((await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 409)).json.error.message, /cancelled/);
  await call(ivy, 'POST', `/api/v1/events/${id}/cancel`, undefined, 409);
  const closed = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ signup_closes: later(-1) , signup_opens: later(-2) }), 201)).json.id;
  assert.match((await call(lea, 'POST', `/api/v1/events/${closed}/bookings`, undefined, 409)).json.error.message, /closed/);
  const past = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ starts_at: later(-1), ends_at: later(-1, 17) }), 201)).json.id;
  assert.match((await call(lea, 'POST', `/api/v1/events/${past}/bookings`, undefined, 409)).json.error.message, /started/);
});

test('a learner cannot cancel after the cut-off; an administrator can', async () => {
  const id = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ title: 'Cut-off', cancel_cutoff: later(-1) }), 201)).json.id;
  await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201);
  assert.match((await call(lea, 'DELETE', `/api/v1/events/${id}/bookings/lea`, undefined, 409)).json.error.message, /cut-off/);
  await call(admin, 'DELETE', `/api/v1/events/${id}/bookings/lea`, undefined, 200);
});

test('attendance by the trainer completes the session activity for that learner only', async () => {
  const id = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ title: 'Attend' }), 201)).json.id;
  await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201);
  await call(lea, 'POST', `/api/v1/events/${id}/attendance`, { username: 'lea', status: 'attended' }, 403);
  assert.equal((await call(ivy, 'POST', `/api/v1/events/${id}/attendance`, { username: 'lea', status: 'present' }, 422)).json.error.field, 'status');
  assert.equal((await call(ivy, 'POST', `/api/v1/events/${id}/attendance`, { username: 'p30', status: 'attended' }, 404)).json.error.field, 'username');
  await call(ivy, 'POST', `/api/v1/events/${id}/attendance`, { username: 'lea', status: 'attended' }, 200);
  const seen = (await call(lea, 'GET', `/api/v1/courses/${COURSE}/activities/${session}`, undefined, 200)).json;
  assert.equal(seen.activity.completed, true, JSON.stringify(seen.activity));
  const p01 = await signIn(server, 'p01', PW);
  const other = (await call(p01, 'GET', `/api/v1/courses/${COURSE}/activities/${session}`, undefined, 200)).json;
  assert.equal(other.activity.completed, false, JSON.stringify(other.activity));
  const list = (await call(ivy, 'GET', `/api/v1/events/${id}/bookings`, undefined, 200)).json.bookings;
  assert.equal(list.find((b) => b.username === 'lea').attendance, 'attended');
});

test('the session page lists events with free seats, Book for a learner and New event for an instructor, whose form has its own page', async () => {
  await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, eventBody({ title: 'Page event', seats: 3 }), 201);
  const asLearner = await api(server, 'GET', `/courses/${COURSE}/sessions/${session}`, { token: lea, headers: { accept: 'text/html' } });
  assert.equal(asLearner.status, 200, show(asLearner));
  assert.match(asLearner.text, /Page event/);
  assert.match(asLearner.text, /<span class="free-seats">3<\/span>/);
  assert.match(asLearner.text, />Book</);
  assert.doesNotMatch(asLearner.text, /New event/);
  const asTrainer = await api(server, 'GET', `/courses/${COURSE}/sessions/${session}`, { token: ivy, headers: { accept: 'text/html' } });
  assert.match(asTrainer.text, /href="\/courses\/[^"]+\/sessions\/\d+\/events\/new"/);
  assert.ok(Number(asTrainer.headers['x-lectern-queries']) <= 5, `the trainer's session page: ${asTrainer.headers['x-lectern-queries']} queries`);
  const form = await api(server, 'GET', `/courses/${COURSE}/sessions/${session}/events/new`, { token: ivy, headers: { accept: 'text/html' } });
  assert.equal(form.status, 200, show(form));
  assert.match(form.text, /id="trainer-ivy"/);
  assert.match(form.text, /Room 2/);
  const refused = await api(server, 'GET', `/courses/${COURSE}/sessions/${session}/events/new`, { token: lea, headers: { accept: 'text/html' } });
  assert.equal(refused.status, 403);
  const rooms = await api(server, 'GET', '/admin/rooms', { token: admin, headers: { accept: 'text/html' } });
  assert.equal(rooms.status, 200);
  assert.match(rooms.text, /Room 2/);
});
