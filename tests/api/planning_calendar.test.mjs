// Calendars and iCalendar through the API: the invitations attached to booking, change and
// cancellation mails (read from a local SMTP sink and parsed with ical.js: METHOD, one UID
// across update and cancel, SEQUENCE rising, times right on both sides of the change to
// British Summer Time), the personal feed behind a secret address (a wrong or replaced one
// answers 404), and the calendar JSON of a person, a course and a room in range, with a 400
// that names the field for a bad range.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { invitationOf as invitation, parseCalendar as parse, firstEvent as veventOf } from '../lib/ical.mjs';
import { startServer, api, show, signIn, adminToken, createUser, rawRequest } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

const PW = 'Copper-Lantern-Orchard-47';
const COURSE = 'CAL-1';
let server;
let sink;
let admin;
let ivy;
let lea;
let room;
let quiz;

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ args: ['--mail-attempts', '1'] });
  admin = await adminToken(server);
  await call(admin, 'PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', from_name: 'Training', site_url: server.url + '/',
  }, 200);
  await call(admin, 'POST', '/api/v1/courses', { code: COURSE, title: 'Fire safety', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Class' }, 201)).json.id;
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'session', title: 'Classroom day' }, 201);
  quiz = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'quiz', title: 'Fire quiz' }, 201)).json.activity.id;
  await call(admin, 'PUT', `/api/v1/courses/${COURSE}/quizzes/${quiz}`, { close_at: '2030-03-30T17:00:00Z' }, 200);
  await createUser(server, { username: 'ivy', first_name: 'Ivy', last_name: 'Trainer', roles: ['instructor'], password: PW, email: 'ivy@example.org' }, admin);
  await createUser(server, { username: 'lea', first_name: 'Lea', last_name: 'Learner', roles: ['learner'], password: PW, email: 'lea@example.org' }, admin);
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'ivy', role: 'instructor' }, 201);
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'lea', role: 'learner', due: '2030-03-31' }, 201);
  room = (await call(admin, 'POST', '/api/v1/rooms', { name: 'Room 7', site: 'Head office', address: '1 High Street' }, 201)).json.id;
  ivy = await signIn(server, 'ivy', PW);
  lea = await signIn(server, 'lea', PW);
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

const newEvent = async (title, starts, ends) => (await call(ivy, 'POST', `/api/v1/courses/${COURSE}/events`, {
  title, starts_at: starts, ends_at: ends, timezone: 'Europe/London', room_id: room, seats: 5, trainers: ['ivy'], note: 'Bring boots.',
}, 201)).json.id;

/** The one ATTENDEE of an invitation's event: Lea, by address and name, as a required participant. */
function assertAttendee(cal, partstat) {
  const atts = cal.getFirstSubcomponent('vevent').getAllProperties('attendee');
  assert.equal(atts.length, 1, 'one ATTENDEE: the person the invitation was sent to');
  assert.equal(atts[0].getFirstValue(), 'mailto:lea@example.org');
  assert.equal(atts[0].getParameter('cn'), 'Lea Learner');
  assert.equal(atts[0].getParameter('role'), 'REQ-PARTICIPANT');
  assert.equal(atts[0].getParameter('partstat'), partstat);
}
const mailTo = (who, subject) => sink.waitFor((m) => m.to.includes(who) && m.subject.includes(subject), { what: `${subject} to ${who}` });

test('booking, change and cancellation mails carry invitations: one UID, SEQUENCE rising, times right across the change to summer time', async () => {
  // 31 March 2030 is the change to BST: the first event is at 09:00 GMT, the second at 09:00 BST.
  const winter = await newEvent('Before the change', '2030-03-29T09:00', '2030-03-29T12:00');
  const summer = await newEvent('After the change', '2030-04-01T09:00', '2030-04-01T12:00');
  for (const id of [winter, summer]) assert.equal((await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201)).json.state, 'booked');

  const booked = invitation(await mailTo('lea@example.org', 'Before the change'));
  assert.match(booked.type, /method=REQUEST/);
  assert.equal(booked.cal.getFirstPropertyValue('method'), 'REQUEST');
  const tz = booked.cal.getFirstSubcomponent('vtimezone');
  assert.ok(tz, 'a VTIMEZONE for the event\'s zone');
  assert.equal(tz.getFirstPropertyValue('tzid'), 'Europe/London');
  const w = veventOf(booked.cal);
  assert.equal(w.uid, `event-${winter}-part-1@127.0.0.1`);
  assert.equal(w.startDate.zone.tzid, 'Europe/London');
  assert.equal(w.startDate.hour, 9);
  assert.equal(w.startDate.toJSDate().toISOString(), '2030-03-29T09:00:00.000Z');
  assert.equal(w.summary, 'Before the change');
  assert.equal(w.location, 'Room 7, Head office, 1 High Street');
  assert.match(w.description, /Bring boots\./);
  assert.equal(w.component.getFirstPropertyValue('url'), `${server.url}/courses/${COURSE}/sessions/${(await call(lea, 'GET', `/api/v1/events/${winter}`, undefined, 200)).json.event.activity_id}`);
  assert.equal(w.component.getFirstPropertyValue('organizer'), 'mailto:training@example.org');
  assert.equal(w.component.getFirstPropertyValue('status'), 'CONFIRMED');
  assertAttendee(booked.cal, 'ACCEPTED');

  const first = invitation(await mailTo('lea@example.org', 'After the change'));
  const s = veventOf(first.cal);
  assert.equal(s.startDate.hour, 9);
  assert.equal(s.startDate.toJSDate().toISOString(), '2030-04-01T08:00:00.000Z');
  assert.equal(s.sequence, 0);

  // A new time: the booked are sent the invitation again, same UID, higher SEQUENCE.
  await call(ivy, 'PATCH', `/api/v1/events/${summer}`, { starts_at: '2030-04-01T10:00', ends_at: '2030-04-01T13:00' }, 200);
  const changed = invitation(await mailTo('lea@example.org', 'Event changed'));
  const c = veventOf(changed.cal);
  assert.equal(changed.cal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(c.uid, s.uid);
  assert.ok(c.sequence > s.sequence, `${c.sequence} > ${s.sequence}`);
  assert.equal(c.startDate.toJSDate().toISOString(), '2030-04-01T09:00:00.000Z');
  assertAttendee(changed.cal, 'ACCEPTED');

  // Her own booking cancelled: METHOD:CANCEL, same UID, higher again.
  await call(lea, 'DELETE', `/api/v1/events/${summer}/bookings/lea`, undefined, 200);
  const mine = invitation(await mailTo('lea@example.org', 'Booking cancelled'));
  const k = veventOf(mine.cal);
  assert.match(mine.type, /method=CANCEL/);
  assert.equal(mine.cal.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(k.uid, s.uid);
  assert.ok(k.sequence > c.sequence, `${k.sequence} > ${c.sequence}`);
  assert.equal(k.component.getFirstPropertyValue('status'), 'CANCELLED');
  assertAttendee(mine.cal, 'DECLINED');

  // The whole event cancelled.
  await call(ivy, 'POST', `/api/v1/events/${winter}/cancel`, undefined, 200);
  const gone = invitation(await mailTo('lea@example.org', 'Event cancelled'));
  assert.equal(gone.cal.getFirstPropertyValue('method'), 'CANCEL');
  assert.equal(veventOf(gone.cal).uid, w.uid);
  assert.ok(veventOf(gone.cal).sequence > w.sequence);
  assertAttendee(gone.cal, 'DECLINED');
});

test('the feed: a secret address answers text/calendar without a session; a wrong or replaced one answers 404', async () => {
  const soon = new Date(Date.now() + 20 * 86400000).toISOString().slice(0, 10);
  const id = await newEvent('In the feed', `${soon}T14:00`, `${soon}T16:00`);
  await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201);
  const before = (await call(lea, 'GET', '/api/v1/me/calendar', undefined, 200)).json.feed;
  assert.equal(before.exists, false);
  const url = (await call(lea, 'POST', '/api/v1/me/calendar/feed', undefined, 201)).json.feed_url;
  assert.match(url, /\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
  const r = await rawRequest(url);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/calendar/);
  const cal = parse(r.body.toString('utf8'));
  assert.equal(cal.getFirstPropertyValue('method'), null);
  const uids = cal.getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid'));
  assert.ok(uids.includes(`event-${id}-part-1@127.0.0.1`), uids.join(' '));
  // The feed is the person's own calendar, not an invitation: no ATTENDEE.
  assert.ok(cal.getAllSubcomponents('vevent').every((v) => v.getAllProperties('attendee').length === 0));
  const after1 = (await call(lea, 'GET', '/api/v1/me/calendar', undefined, 200)).json.feed;
  assert.equal(after1.exists, true);
  assert.equal(after1.feed_url, null, 'the address is shown only when made');

  const missing = await rawRequest(url.replace(/[0-9a-f]{64}/, 'f'.repeat(64)));
  assert.equal(missing.status, 404);
  const url2 = (await call(lea, 'POST', '/api/v1/me/calendar/feed', undefined, 201)).json.feed_url;
  assert.notEqual(url2, url);
  const replaced = await rawRequest(url);
  assert.equal(replaced.status, 404);
  assert.equal(replaced.body.toString('utf8'), missing.body.toString('utf8'));
  assert.equal((await rawRequest(url2)).status, 200);
});

test('calendar JSON in range: a person\'s events, due date and quiz close; a course\'s; a room\'s', async () => {
  const id = await newEvent('Spring class', '2030-03-28T09:00', '2030-03-28T11:00');
  await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201);
  const mine = (await call(lea, 'GET', '/api/v1/me/calendar?from=2030-03-28&to=2030-04-01', undefined, 200)).json.entries;
  const kinds = mine.map((e) => `${e.kind}:${e.title}:${e.state}`);
  assert.ok(kinds.includes('event:Spring class:booked'), kinds.join(', '));
  assert.ok(kinds.includes('due:Fire safety:open'), kinds.join(', '));
  assert.ok(kinds.includes('quiz:Fire quiz:'), kinds.join(', '));
  const spring = mine.find((e) => e.title === 'Spring class');
  assert.equal(spring.starts_at, '2030-03-28T09:00:00Z');
  assert.equal(spring.path, `/courses/${COURSE}/sessions/${spring.path.split('/').pop()}`);
  // Outside the range: nothing of it.
  const later = (await call(lea, 'GET', '/api/v1/me/calendar?from=2030-05-01&to=2030-05-31', undefined, 200)).json.entries;
  assert.deepEqual(later.filter((e) => e.title === 'Spring class'), []);

  const trains = (await call(ivy, 'GET', '/api/v1/me/calendar?from=2030-03-28&to=2030-03-29', undefined, 200)).json.entries;
  assert.deepEqual(trains.map((e) => [e.title, e.state]), [['Spring class', 'trains']]);

  const course = (await call(ivy, 'GET', `/api/v1/courses/${COURSE}/calendar?from=2030-03-28&to=2030-04-01`, undefined, 200)).json.entries;
  const due = course.find((e) => e.kind === 'due');
  assert.equal(due.people, 1);
  assert.ok(course.some((e) => e.kind === 'quiz' && e.title === 'Fire quiz'));
  assert.ok(course.some((e) => e.title === 'Spring class'));

  const rooms = (await call(admin, 'GET', `/api/v1/rooms/${room}/calendar?from=2030-03-28&to=2030-03-29`, undefined, 200)).json.entries;
  assert.deepEqual(rooms.map((e) => e.title), ['Spring class']);
  await call(lea, 'GET', `/api/v1/rooms/${room}/calendar`, undefined, 403);
});

test('a part spanning several days shows on each day it covers, in the month and the week views', async () => {
  // 09:00 Monday 3 June 2030 to 17:00 Wednesday 5 June in London, shown in Lea's zone (the site's, UTC): 08:00 to 16:00.
  const id = await newEvent('Three-day course', '2030-06-03T09:00', '2030-06-05T17:00');
  await call(lea, 'POST', `/api/v1/events/${id}/bookings`, undefined, 201);
  for (const view of ['month', 'week']) {
    const page = await api(server, 'GET', `/calendar?view=${view}&date=2030-06-04`, { token: lea, headers: { accept: 'text/html' } });
    assert.equal(page.status, 200, show(page));
    const cell = (date) => {
      const m = new RegExp(`<td[^>]*data-date="${date}"[^>]*>([\\s\\S]*?)</td>`).exec(page.text);
      assert.ok(m, `${view}: a cell for ${date}`);
      return m[1];
    };
    assert.match(cell('2030-06-03'), /08:00<\/time> Three-day course/, `${view}: the first day shows the start`);
    assert.match(cell('2030-06-04'), /all day<\/time> Three-day course/, `${view}: the middle day`);
    assert.match(cell('2030-06-05'), /until 16:00<\/time> Three-day course/, `${view}: the last day shows the end`);
    // The week starts on Monday: Sunday the 2nd is in the month view only.
    for (const d of view === 'month' ? ['2030-06-02', '2030-06-06'] : ['2030-06-06']) assert.doesNotMatch(cell(d), /Three-day course/, `${view}: not on ${d}`);
  }
});

test('a bad range answers 400 naming the field', async () => {
  const cases = [
    ['from=yesterday', 'from'],
    ['to=2030-13-01', 'to'],
    ['from=2030-03-10&to=2030-03-01', 'to'],
    ['from=2030-01-01&to=2031-06-01', 'to'],
  ];
  for (const [q, field] of cases) {
    const r = await call(lea, 'GET', `/api/v1/me/calendar?${q}`, undefined, 400);
    assert.equal(r.json.error.field, field, q);
  }
  // A page's view and day: the page says what to choose.
  for (const q of ['view=year', 'date=2030-02-30']) {
    const page = await api(server, 'GET', `/calendar?${q}`, { token: lea, headers: { accept: 'text/html' } });
    assert.equal(page.status, 400, `${q}: ${show(page)}`);
    assert.match(page.text, q.startsWith('view') ? /month, week or agenda/ : /YYYY-MM-DD/);
  }
});

test('a calendar page runs a fixed number of queries', async () => {
  for (const path of ['/calendar?date=2030-03-28', '/calendar?view=agenda&date=2030-03-28', `/courses/${COURSE}/calendar?date=2030-03-28`]) {
    const r = await api(server, 'GET', path, { token: lea, headers: { accept: 'text/html' } });
    assert.equal(r.status, 200, `${path}: ${show(r)}`);
    const n = Number(r.headers['x-lectern-queries']);
    assert.ok(n >= 1 && n <= 5, `${path}: ${n} queries`);
  }
});
