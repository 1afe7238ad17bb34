// Attendance by dated part through the API: a three-day class is taken day by day; the event's
// own attendance follows once every part is marked (all attended: attended, which completes
// the session; some: partly; all excused: excused; none: a no-show), the sheet lists each
// person's parts, and a part that does not exist or a state a part cannot have is refused on
// its field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Harbour-Willow-Quartz-58';
const COURSE = 'PART-1';
let server;
let admin;
let ivy;
let session;
let event;
const day = (days, hour) => {
  const d = new Date(Date.now() + days * 86400000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00Z`;
};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const mark = (username, part, status, expect = 200) =>
  call(ivy, 'POST', `/api/v1/events/${event}/attendance`, { username, part, status }, expect);
const sheet = async () => (await call(ivy, 'GET', `/api/v1/events/${event}/attendance`, undefined, 200)).json;
const person = (s, username) => s.people.find((p) => p.username === username);

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  await createUser(server, { username: 'ivy', first_name: 'Ivy', last_name: 'Trainer', roles: ['instructor'], password: PW }, admin);
  for (const [username, last] of [['ann', 'Archer'], ['ben', 'Baker'], ['cam', 'Carter'], ['dee', 'Dalton']])
    await createUser(server, { username, first_name: username, last_name: last, roles: ['learner'], password: PW }, admin);
  await call(admin, 'POST', '/api/v1/courses', { code: COURSE, title: 'First aid at work', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Class' }, 201)).json.id;
  session = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'session', title: 'Three days' }, 201)).json.activity.id;
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'ivy', role: 'instructor' }, 201);
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { usernames: 'ann\nben\ncam\ndee', role: 'learner' });
  ivy = await signIn(server, 'ivy', PW);
  const parts = [1, 2, 3].map((d) => ({ starts_at: day(20 + d, 9), ends_at: day(20 + d, 17) }));
  event = (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, { title: 'First aid', timezone: 'UTC', meeting_url: 'https://meet.example.org/first-aid', parts, seats: 10, trainers: ['ivy'] }, 201)).json.id;
  for (const username of ['ann', 'ben', 'cam', 'dee'])
    await call(admin, 'POST', `/api/v1/events/${event}/bookings`, { username }, 201);
});
after(async () => { if (server) await server.stop(); });

test('the sheet lists every booked person with each part unmarked at first', async () => {
  const s = await sheet();
  assert.equal(s.parts.length, 3);
  assert.deepEqual(s.people.map((p) => p.username), ['ann', 'ben', 'cam', 'dee']);
  assert.deepEqual(person(s, 'ann').parts.map((p) => p.status), [null, null, null]);
  assert.equal(person(s, 'ann').attendance, null);
});

test('every part attended makes the event attended and completes the session; until then nothing completes', async () => {
  const learner = await signIn(server, 'ann', PW);
  await mark('ann', 1, 'attended');
  await mark('ann', 2, 'attended');
  let s = await sheet();
  assert.deepEqual(person(s, 'ann').parts.map((p) => p.status), ['attended', 'attended', null]);
  assert.equal(person(s, 'ann').attendance, null, 'no event attendance before the last part');
  let seen = (await call(learner, 'GET', `/api/v1/courses/${COURSE}/activities/${session}`, undefined, 200)).json;
  assert.equal(seen.activity.completed, false);
  await mark('ann', 3, 'attended');
  s = await sheet();
  assert.equal(person(s, 'ann').attendance, 'attended');
  seen = (await call(learner, 'GET', `/api/v1/courses/${COURSE}/activities/${session}`, undefined, 200)).json;
  assert.equal(seen.activity.completed, true, JSON.stringify(seen.activity));
});

test('some parts attended is partly; every part excused is excused; none attended is a no-show', async () => {
  for (const [part, status] of [[1, 'attended'], [2, 'no_show'], [3, 'excused']]) await mark('ben', part, status);
  for (const part of [1, 2, 3]) await mark('cam', part, 'excused');
  for (const [part, status] of [[1, 'no_show'], [2, 'excused'], [3, 'no_show']]) await mark('dee', part, status);
  const s = await sheet();
  assert.equal(person(s, 'ben').attendance, 'partly');
  assert.equal(person(s, 'cam').attendance, 'excused');
  assert.equal(person(s, 'dee').attendance, 'no_show');
  // A part marked again changes the event's attendance with it.
  await mark('dee', 1, 'attended');
  assert.equal(person(await sheet(), 'dee').attendance, 'partly');
  const bookings = (await call(ivy, 'GET', `/api/v1/events/${event}/bookings`, undefined, 200)).json.bookings;
  assert.equal(bookings.find((b) => b.username === 'dee').attendance, 'partly');
});

test('a part that does not exist, a state a part cannot have, and someone not booked are refused on their field', async () => {
  assert.equal((await mark('ann', 4, 'attended', 422)).json.error.field, 'part');
  assert.equal((await mark('ann', 1, 'partly', 422)).json.error.field, 'status');
  assert.equal((await mark('ivy', 1, 'attended', 404)).json.error.field, 'username');
  const learner = await signIn(server, 'ben', PW);
  await call(learner, 'POST', `/api/v1/events/${event}/attendance`, { username: 'ben', part: 1, status: 'attended' }, 403);
  await call(learner, 'GET', `/api/v1/events/${event}/attendance`, undefined, 403);
});

test('the attendance page shows the sheet to the trainer, in words', async () => {
  const page = await api(server, 'GET', `/courses/${COURSE}/sessions/${session}/events/${event}/attendance`, { token: ivy, headers: { accept: 'text/html' } });
  assert.equal(page.status, 200, page.text.slice(0, 3000));
  assert.match(page.text, /Attendance: First aid/);
  assert.match(page.text, /Partly attended/);
  assert.doesNotMatch(page.text, /attendance\.[a-z_]+/, 'no raw translation keys');
  const sessionPage = await api(server, 'GET', `/courses/${COURSE}/sessions/${session}`, { token: ivy, headers: { accept: 'text/html' } });
  assert.match(sessionPage.text, /Attendance by part/);
});
