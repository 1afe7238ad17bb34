// Planning conflicts through the API: multi-part events and external trainers, a room or a
// trainer used twice at once (409 listing what it clashes with), an administrator's override
// with a reason (audited) that an instructor cannot make, a learner's overlapping booking,
// booking a department in bulk (a dry run, then exactly the seats booked and the rest waiting
// in order) and moving a person to another event of the course.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

const PW = 'Copper-Lantern-Orchard-47';
const COURSE = 'CONF-1';
const OTHER = 'CONF-2';
let server;
let admin;
let ivy;
let lea;
let room;
let smallRoom;
let dept;
const day = (days, hour, minute = 0) => {
  const d = new Date(Date.now() + days * 86400000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;
};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

async function course(code, title) {
  await call(admin, 'POST', '/api/v1/courses', { code, title, kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${code}/sections`, { title: 'Class' }, 201)).json.id;
  await call(admin, 'POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'session', title: 'Class days' }, 201);
  await call(admin, 'POST', `/api/v1/courses/${code}/enrolments`, { username: 'ivy', role: 'instructor' }, 201);
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  await createUser(server, { username: 'ivy', first_name: 'Ivy', last_name: 'Trainer', roles: ['instructor'], password: PW }, admin);
  await createUser(server, { username: 'lea', first_name: 'Lea', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  const top = (await call(admin, 'POST', '/api/v1/departments', { name: 'Operations' }, 201)).json.department.id;
  dept = (await call(admin, 'POST', '/api/v1/departments', { name: 'Warehouse', parent_id: top }, 201)).json.department.id;
  for (let i = 1; i <= 5; i++) {
    const username = `w${i}`;
    await createUser(server, { username, first_name: 'W', last_name: `Worker ${i}`, roles: ['learner'], password: PW }, admin);
    await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, { department_id: i <= 2 ? top : dept }, 200);
  }
  await course(COURSE, 'Forklift safety');
  await course(OTHER, 'Fire wardens');
  for (const code of [COURSE, OTHER]) {
    await call(admin, 'POST', `/api/v1/courses/${code}/enrolments`, { usernames: 'lea\nw1\nw2\nw3\nw4', role: 'learner' });
  }
  room = (await call(admin, 'POST', '/api/v1/rooms', { name: 'Hall', site: 'Depot', capacity: 20 }, 201)).json.id;
  smallRoom = (await call(admin, 'POST', '/api/v1/rooms', { name: 'Cupboard', site: 'Depot', capacity: 2 }, 201)).json.id;
  ivy = await signIn(server, 'ivy', PW);
  lea = await signIn(server, 'lea', PW);
});
after(async () => { if (server) await server.stop(); });

const plan = (code, token, body, status) => call(token, 'POST', `/api/v1/courses/${code}/events`, { timezone: 'UTC', seats: 10, ...body }, status);

test('a two-day event keeps its parts and external trainers; its span is the first start to the last end', async () => {
  const parts = [{ starts_at: day(40, 9), ends_at: day(40, 17) }, { starts_at: day(41, 9), ends_at: day(41, 13) }];
  const id = (await plan(COURSE, ivy, { title: 'Two days', room_id: room, parts, external_trainers: ['Dana Smith (Acme Safety)', 'Lee Wong'] }, 201)).json.id;
  const e = (await call(ivy, 'GET', `/api/v1/events/${id}`, undefined, 200)).json.event;
  assert.deepEqual(e.parts, parts);
  assert.equal(e.starts_at, parts[0].starts_at);
  assert.equal(e.ends_at, parts[1].ends_at);
  assert.deepEqual(e.external_trainers, ['Dana Smith (Acme Safety)', 'Lee Wong']);
  // Parts that overlap each other, or end before they start, are refused naming "parts".
  const overlapping = await plan(COURSE, ivy, { title: 'Bad', parts: [parts[0], { starts_at: day(40, 16), ends_at: day(40, 18) }] }, 422);
  assert.equal(overlapping.json.error.field, 'parts');
  const backwards = await plan(COURSE, ivy, { title: 'Bad', parts: [{ starts_at: day(42, 9), ends_at: day(42, 8) }] }, 422);
  assert.match(backwards.json.error.message, /Part 1 must end after it starts/);
  await call(ivy, 'POST', `/api/v1/events/${id}/cancel`, undefined, 200);
});

test('a room used at an overlapping part answers 409 naming the other course, event and time; touching times do not clash', async () => {
  const first = (await plan(OTHER, admin, { title: 'Warden drill', room_id: room, parts: [{ starts_at: day(50, 9), ends_at: day(50, 12) }, { starts_at: day(51, 9), ends_at: day(51, 12) }] }, 201)).json.id;
  // Between its two parts: no clash, and ending exactly when the drill starts: no clash.
  const between = (await plan(COURSE, ivy, { title: 'Evening', room_id: room, starts_at: day(50, 13), ends_at: day(50, 18) }, 201)).json.id;
  const touching = (await plan(COURSE, ivy, { title: 'Early', room_id: room, starts_at: day(51, 7), ends_at: day(51, 9) }, 201)).json.id;
  const r = await plan(COURSE, ivy, { title: 'Clash', room_id: room, starts_at: day(51, 11), ends_at: day(51, 14) }, 409);
  assert.equal(r.json.error.code, 'conflicts');
  assert.equal(r.json.conflicts.length, 1, show(r));
  const c = r.json.conflicts[0];
  assert.equal(c.kind, 'room');
  assert.deepEqual(c.course, { code: OTHER, title: 'Fire wardens' });
  assert.deepEqual(c.event, { id: first, title: 'Warden drill' });
  assert.deepEqual([c.starts_at, c.ends_at], [day(51, 11), day(51, 12)]);
  assert.equal(c.room.name, 'Hall');
  // Changing an event onto the room's busy time is refused the same way, and nothing changes.
  const moved = await call(ivy, 'PATCH', `/api/v1/events/${between}`, { starts_at: day(50, 11), ends_at: day(50, 14) }, 409);
  assert.equal(moved.json.conflicts[0].event.id, first);
  const unchanged = (await call(ivy, 'GET', `/api/v1/events/${between}`, undefined, 200)).json.event;
  assert.equal(unchanged.starts_at, day(50, 13));
  for (const id of [first, between, touching]) await call(admin, 'POST', `/api/v1/events/${id}/cancel`, undefined, 200);
});

test('a trainer teaching elsewhere, a trainer booked elsewhere and a room too small are each named', async () => {
  const other = (await plan(OTHER, admin, { title: 'Warden theory', meeting_url: 'https://meet.example.org/w', trainers: ['ivy'], starts_at: day(60, 9), ends_at: day(60, 12) }, 201)).json.id;
  const r = await plan(COURSE, admin, { title: 'Busy', room_id: smallRoom, seats: 5, trainers: ['ivy'], starts_at: day(60, 10), ends_at: day(60, 11) }, 409);
  const kinds = r.json.conflicts.map((c) => c.kind).sort();
  assert.deepEqual(kinds, ['capacity', 'trainer_teaching']);
  const teaching = r.json.conflicts.find((c) => c.kind === 'trainer_teaching');
  assert.equal(teaching.trainer, 'ivy');
  assert.equal(teaching.event.id, other);
  const capacity = r.json.conflicts.find((c) => c.kind === 'capacity');
  assert.deepEqual([capacity.room.name, capacity.capacity, capacity.seats], ['Cupboard', 2, 5]);
  await call(admin, 'POST', `/api/v1/events/${other}/cancel`, undefined, 200);
  // Ivy, a learner of a third course, booked on its class: training at that time clashes too.
  await call(admin, 'POST', '/api/v1/courses', { code: 'CONF-3', title: 'First aid', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', '/api/v1/courses/CONF-3/sections', { title: 'Class' }, 201)).json.id;
  await call(admin, 'POST', '/api/v1/courses/CONF-3/activities', { section_id: section, kind: 'session', title: 'Class' }, 201);
  await call(admin, 'POST', '/api/v1/courses/CONF-3/enrolments', { username: 'ivy', role: 'learner' }, 201);
  const aid = (await plan('CONF-3', admin, { title: 'First aid day', meeting_url: 'https://meet.example.org/f', starts_at: day(61, 9), ends_at: day(61, 12) }, 201)).json.id;
  await call(ivy, 'POST', `/api/v1/events/${aid}/bookings`, {}, 201);
  const booked = await plan(COURSE, admin, { title: 'Booked', meeting_url: 'https://meet.example.org/b', trainers: ['ivy'], starts_at: day(61, 11), ends_at: day(61, 15) }, 409);
  assert.deepEqual(booked.json.conflicts.map((c) => [c.kind, c.trainer, c.course.code, c.event.id]), [['trainer_booked', 'ivy', 'CONF-3', aid]]);
  await call(admin, 'POST', `/api/v1/events/${aid}/cancel`, undefined, 200);
});

test('an administrator overrides a clash with a reason, audited; an instructor cannot', async () => {
  const first = (await plan(OTHER, admin, { title: 'Busy hall', room_id: room, starts_at: day(70, 9), ends_at: day(70, 12) }, 201)).json.id;
  const body = { title: 'Shared hall', room_id: room, starts_at: day(70, 10), ends_at: day(70, 11), override_reason: 'The hall is split with a partition' };
  const refused = await plan(COURSE, ivy, body, 403);
  assert.equal(refused.json.error.field, 'override_reason');
  assert.equal(refused.json.conflicts[0].event.id, first);
  const empty = await plan(COURSE, admin, { ...body, override_reason: '' }, 409);
  assert.equal(empty.json.conflicts.length, 1);
  const id = (await plan(COURSE, admin, body, 201)).json.id;
  // A later change of its title alone is not held up by the clash let stand.
  await call(ivy, 'PATCH', `/api/v1/events/${id}`, { title: 'Shared hall, east side' }, 200);
  const audit = (await call(admin, 'GET', '/api/v1/audit?action=conflict.override', undefined, 200)).json.items;
  const entry = audit.find((a) => a.target === `event:${id}`);
  assert.ok(entry, JSON.stringify(audit));
  assert.equal(entry.details.reason, 'The hall is split with a partition');
  assert.equal(entry.details.conflicts[0].event.id, first);
  for (const e of [first, id]) await call(admin, 'POST', `/api/v1/events/${e}/cancel`, undefined, 200);
});

test('a learner already booked at that time is refused; an administrator books them with a reason', async () => {
  const a = (await plan(COURSE, admin, { title: 'Morning A', meeting_url: 'https://meet.example.org/a', starts_at: day(80, 9), ends_at: day(80, 12) }, 201)).json.id;
  const b = (await plan(OTHER, admin, { title: 'Morning B', meeting_url: 'https://meet.example.org/b', starts_at: day(80, 11), ends_at: day(80, 13) }, 201)).json.id;
  await call(lea, 'POST', `/api/v1/events/${a}/bookings`, {}, 201);
  const r = await call(lea, 'POST', `/api/v1/events/${b}/bookings`, {}, 409);
  assert.equal(r.json.conflicts[0].kind, 'booking');
  assert.deepEqual(r.json.conflicts[0].course, { code: COURSE, title: 'Forklift safety' });
  assert.deepEqual([r.json.conflicts[0].starts_at, r.json.conflicts[0].ends_at], [day(80, 11), day(80, 12)]);
  // A learner's own reason overrides nothing.
  await call(lea, 'POST', `/api/v1/events/${b}/bookings`, { override_reason: 'please' }, 403);
  await call(admin, 'POST', `/api/v1/events/${b}/bookings`, { username: 'lea' }, 409);
  assert.equal((await call(admin, 'POST', `/api/v1/events/${b}/bookings`, { username: 'lea', override_reason: 'Leaves the first early' }, 201)).json.state, 'booked');
  const audit = (await call(admin, 'GET', '/api/v1/audit?action=conflict.override', undefined, 200)).json.items;
  assert.ok(audit.some((x) => x.target === `event:${b}` && x.details.reason === 'Leaves the first early'));
  for (const e of [a, b]) await call(admin, 'POST', `/api/v1/events/${e}/cancel`, undefined, 200);
});

test('booking a department: a dry run changes nothing, then exactly the seats are booked and the rest wait in order', async () => {
  const id = (await plan(COURSE, ivy, { title: 'Small class', meeting_url: 'https://meet.example.org/s', seats: 2, starts_at: day(90, 9), ends_at: day(90, 12) }, 201)).json.id;
  // w5 is in the department but not enrolled in the course.
  const dry = (await call(ivy, 'POST', `/api/v1/events/${id}/bookings/bulk`, { department: dept, dry_run: true }, 200)).json;
  assert.equal(dry.dry_run, true);
  assert.deepEqual(dry.results.map((r) => [r.username, r.outcome]), [['w3', 'booked'], ['w4', 'booked'], ['w5', 'not_enrolled']]);
  let e = (await call(ivy, 'GET', `/api/v1/events/${id}`, undefined, 200)).json.event;
  assert.equal(e.booked, 0, 'a dry run books nobody');
  const list = { usernames: ['w4', 'w1', 'w2', 'nobody', 'w3'], dry_run: false };
  const done = (await call(ivy, 'POST', `/api/v1/events/${id}/bookings/bulk`, list, 200)).json;
  assert.deepEqual(done.results.map((r) => [r.username, r.outcome]),
    [['w4', 'booked'], ['w1', 'booked'], ['w2', 'waitlisted'], ['nobody', 'no_account'], ['w3', 'waitlisted']]);
  assert.deepEqual([done.booked, done.waitlisted], [2, 2]);
  e = (await call(ivy, 'GET', `/api/v1/events/${id}`, undefined, 200)).json.event;
  assert.deepEqual([e.booked, e.free, e.waitlisted], [2, 0, 2]);
  const bookings = (await call(ivy, 'GET', `/api/v1/events/${id}/bookings`, undefined, 200)).json.bookings;
  assert.deepEqual(bookings.filter((b) => b.state === 'waitlisted').map((b) => b.username), ['w2', 'w3']);
  const again = (await call(ivy, 'POST', `/api/v1/events/${id}/bookings/bulk`, { usernames: 'w4\nw2', dry_run: true }, 200)).json;
  assert.deepEqual(again.results.map((r) => r.outcome), ['already_booked', 'already_waitlisted']);
  await call(ivy, 'POST', `/api/v1/events/${id}/bookings/bulk`, {}, 422);
  await call(lea, 'POST', `/api/v1/events/${id}/bookings/bulk`, { usernames: ['w1'] }, 403);
  await call(admin, 'POST', `/api/v1/events/${id}/cancel`, undefined, 200);
});

test('moving a person books them on the other event and gives their seat to the first waiting', async () => {
  const from = (await plan(COURSE, ivy, { title: 'Monday', meeting_url: 'https://meet.example.org/m', seats: 1, starts_at: day(100, 9), ends_at: day(100, 12) }, 201)).json.id;
  const to = (await plan(COURSE, ivy, { title: 'Tuesday', meeting_url: 'https://meet.example.org/t', seats: 5, starts_at: day(101, 9), ends_at: day(101, 12) }, 201)).json.id;
  const elsewhere = (await plan(OTHER, admin, { title: 'Elsewhere', meeting_url: 'https://meet.example.org/e', starts_at: day(102, 9), ends_at: day(102, 12) }, 201)).json.id;
  await call(admin, 'POST', `/api/v1/events/${from}/bookings`, { username: 'w1' }, 201);
  await call(admin, 'POST', `/api/v1/events/${from}/bookings`, { username: 'w2' }, 201);
  const moved = (await call(ivy, 'POST', `/api/v1/events/${from}/bookings/w1/move`, { to_event: to }, 200)).json;
  assert.equal(moved.state, 'booked');
  const monday = (await call(ivy, 'GET', `/api/v1/events/${from}/bookings`, undefined, 200)).json.bookings;
  assert.deepEqual(monday.map((b) => [b.username, b.state]), [['w2', 'booked']]);
  const tuesday = (await call(ivy, 'GET', `/api/v1/events/${to}/bookings`, undefined, 200)).json.bookings;
  assert.deepEqual(tuesday.map((b) => [b.username, b.state]), [['w1', 'booked']]);
  const other = await call(ivy, 'POST', `/api/v1/events/${to}/bookings/w1/move`, { to_event: elsewhere }, 422);
  assert.equal(other.json.error.field, 'to_event');
  await call(ivy, 'POST', `/api/v1/events/${from}/bookings/lea/move`, { to_event: to }, 404);
  await call(lea, 'POST', `/api/v1/events/${to}/bookings/w1/move`, { to_event: from }, 403);
  for (const e of [from, to]) await call(ivy, 'POST', `/api/v1/events/${e}/cancel`, undefined, 200);
  await call(admin, 'POST', `/api/v1/events/${elsewhere}/cancel`, undefined, 200);
});
