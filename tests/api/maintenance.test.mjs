// Maintenance through the API: bad windows refused at their field (an end before the start, an
// overlap naming the other window, no message), what a window overlaps (a quiz's close, a
// learner's due date, a classroom event), GET /api/v1/status in each state, the banner on a
// learner's page, the notice mailed once to each person active lately with the window as an
// iCalendar event (read from a local SMTP sink, parsed with ical.js), and read-only mode:
// writes refused with 503 and Retry-After and nothing written, reads and signing in still
// working, an administrator ending it, and `lectern maintenance on --until` ending by itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, poll, rawRequest, ADMIN_PASSWORD } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { invitationOf, firstEvent } from '../lib/ical.mjs';
import { onServer } from '../lib/cli.mjs';

const PW = 'Copper-Lantern-Orchard-47';
const COURSE = 'MNT-1';
const HOUR = 3600 * 1000;
let server;
let sink;
let admin;
let lea;
let lectern;

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
// Whole days ahead, so that windows of different tests never meet.
const day = (n, hour = 0) => Date.UTC(2031, 0, 1 + n, hour);

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ args: ['--mail-attempts', '1'] });
  lectern = onServer(server);
  admin = await adminToken(server);
  await call(admin, 'PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'it@example.org', from_name: 'IT', site_url: server.url + '/',
  }, 200);
  await call(admin, 'POST', '/api/v1/courses', { code: COURSE, title: 'Safety', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Part' }, 201)).json.id;
  const quiz = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'quiz', title: 'Safety quiz' }, 201)).json.activity.id;
  await call(admin, 'PUT', `/api/v1/courses/${COURSE}/quizzes/${quiz}`, { close_at: iso(day(0, 10)) }, 200);
  await createUser(server, { username: 'lea', first_name: 'Lea', last_name: 'Learner', roles: ['learner'], password: PW, email: 'lea@example.org' }, admin);
  await createUser(server, { username: 'nia', first_name: 'Nia', last_name: 'Neversigned', roles: ['learner'], password: PW, email: 'nia@example.org' }, admin);
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'lea', role: 'learner', due: '2031-01-01' }, 201);
  lea = await signIn(server, 'lea', PW);
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('a window that ends before it starts, overlaps another or says nothing is refused at its field', async () => {
  const backwards = await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(day(20, 10)), ends_at: iso(day(20, 9)), message: 'Upgrade' }, 422);
  assert.equal(backwards.json.error.field, 'ends_at', show(backwards));
  const silent = await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(day(20, 8)), ends_at: iso(day(20, 9)), message: ' ' }, 422);
  assert.equal(silent.json.error.field, 'message');
  const bad = await call(admin, 'POST', '/api/v1/maintenance', { starts_at: 'tomorrow', ends_at: iso(day(20, 9)), message: 'x' }, 422);
  assert.equal(bad.json.error.field, 'starts_at');
  await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(day(20, 8)), ends_at: iso(day(20, 12)), message: 'Database upgrade' }, 201);
  const overlap = await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(day(20, 11)), ends_at: iso(day(20, 13)), message: 'More' }, 409);
  assert.equal(overlap.json.error.field, 'starts_at');
  assert.match(overlap.json.error.message, /2031-01-21T08:00:00Z to 2031-01-21T12:00:00Z/);
  // Back to back is fine: a window ends where the next begins.
  await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(day(20, 12)), ends_at: iso(day(20, 13)), message: 'After' }, 201);
  const list = await call(admin, 'GET', '/api/v1/maintenance', undefined, 200);
  assert.equal(list.json.windows.filter((w) => w.starts_at.startsWith('2031-01-21')).length, 2);
});

test('a window lists the quiz close, the due date and the event it overlaps', async () => {
  const r = await call(admin, 'POST', '/api/v1/maintenance', {
    starts_at: iso(day(-1, 20)), ends_at: iso(day(0, 12)), message: 'Network work', affected: 'Quizzes and uploads',
  }, 201);
  const kinds = r.json.overlaps.map((o) => o.kind).sort();
  assert.deepEqual(kinds, ['course_due', 'quiz_close'], show(r));
  const close = r.json.overlaps.find((o) => o.kind === 'quiz_close');
  assert.equal(close.at, '2031-01-01T10:00:00Z');
  assert.match(close.title, /Safety quiz/);
  const shown = await call(admin, 'GET', `/api/v1/maintenance/${r.json.window.id}`, undefined, 200);
  assert.deepEqual(shown.json.overlaps.map((o) => o.kind).sort(), kinds);
  assert.equal(shown.json.window.affected, 'Quizzes and uploads');
  // Learners may not see or schedule maintenance.
  await call(lea, 'GET', '/api/v1/maintenance', undefined, 403);
  await call(lea, 'POST', '/api/v1/maintenance', { starts_at: iso(day(30)), ends_at: iso(day(30, 2)), message: 'x' }, 403);
});

test('a window soon shows in the status, on every page and in one mail to each person active lately', async () => {
  const starts = Date.now() + 2 * HOUR;
  const r = await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(starts), ends_at: iso(starts + HOUR), message: 'Lectern upgrade' }, 201);
  const status = await call(undefined, 'GET', '/api/v1/status', undefined, 200);
  assert.equal(status.json.status, 'ok');
  assert.equal(status.json.next_window.message, 'Lectern upgrade');
  assert.equal(status.json.next_window.starts_at, iso(starts));
  const page = await rawRequest(server.url + '/', { headers: { authorization: `Bearer ${lea}` } });
  const html = page.body.toString('utf8');
  assert.match(html, /id="maintenance-banner"[^]*Lectern upgrade/, html.slice(0, 3000));

  const toLea = await sink.waitFor((m) => /lea@example\.org/.test(m.raw) && /Lectern upgrade/.test(m.raw), { what: "lea's notice" });
  const { type, cal } = invitationOf(toLea);
  assert.match(type, /text\/calendar/);
  const ev = firstEvent(cal);
  assert.equal(ev.startDate.toJSDate().getTime(), Math.floor(starts / 1000) * 1000);
  assert.equal(ev.endDate.toJSDate().getTime(), Math.floor(starts / 1000) * 1000 + HOUR);
  assert.match(ev.summary, /Lectern upgrade/);
  // Running the notices again tells nobody twice; someone who never signed in is not told.
  lectern(['jobs', 'enqueue', 'maintenance.notices', '--payload', JSON.stringify({ window_id: r.json.window.id })], 0);
  const doneNotices = () => JSON.parse(lectern(['jobs', 'list', '--state', 'done', '--json'], 0)).filter((j) => j.kind === 'maintenance.notices').length;
  await poll(async () => doneNotices() >= 2, { what: 'the notices job to run again' });
  const leas = sink.messages().filter((m) => /lea@example\.org/.test(m.raw) && /Lectern upgrade/.test(m.raw));
  assert.equal(leas.length, 1);
  assert.equal(sink.messages().filter((m) => /nia@example\.org/.test(m.raw)).length, 0);
});

test('during a window the status says maintenance, with the window; deleted, it says ok', async () => {
  const now = Date.now();
  const r = await call(admin, 'POST', '/api/v1/maintenance', { starts_at: iso(now - 60000), ends_at: iso(now + 1800000), message: 'Index rebuild', affected: 'Search' }, 201);
  const during = await call(undefined, 'GET', '/api/v1/status', undefined, 200);
  assert.equal(during.json.status, 'maintenance', show(during));
  assert.deepEqual(during.json.window, { starts_at: iso(now - 60000), ends_at: iso(now + 1800000), message: 'Index rebuild', affected: 'Search' });
  // Writes still work: this window does not read only.
  await call(lea, 'PATCH', '/api/v1/me', { last_name: 'Learner' }, 200);
  await call(lea, 'DELETE', `/api/v1/maintenance/${r.json.window.id}`, undefined, 403);
  await call(admin, 'DELETE', `/api/v1/maintenance/${r.json.window.id}`, undefined, 200);
  await call(admin, 'GET', `/api/v1/maintenance/${r.json.window.id}`, undefined, 404);
  assert.notEqual((await call(undefined, 'GET', '/api/v1/status', undefined, 200)).json.status, 'maintenance');
});

test('read-only mode refuses writes with 503 and Retry-After, keeps reads and sign-in, and an administrator ends it', async () => {
  await call(admin, 'POST', '/api/v1/maintenance/read-only', { on: true, until: iso(Date.now() + 2 * HOUR), message: 'Moving servers' }, 200);
  const status = await call(undefined, 'GET', '/api/v1/status', undefined, 200);
  assert.equal(status.json.status, 'read_only');
  assert.equal(status.json.read_only.message, 'Moving servers');

  const write = await call(lea, 'PATCH', '/api/v1/me', { first_name: 'Leah' }, 503);
  assert.equal(write.json.error.code, 'read_only');
  assert.match(write.json.error.message, /read-only mode/);
  const retry = Number(write.headers['retry-after']);
  assert.ok(retry > 3000 && retry <= 7200, `Retry-After ${write.headers['retry-after']}`);
  const room = await call(admin, 'POST', '/api/v1/rooms', { name: 'Room X' }, 503);
  assert.ok(room.headers['retry-after']);
  // Nothing was written, and reads work.
  assert.equal((await call(lea, 'GET', '/api/v1/me', undefined, 200)).json.first_name, 'Lea');
  assert.equal((await call(admin, 'GET', '/api/v1/rooms', undefined, 200)).json.rooms.length, 0);
  // A browser's form post meets the maintenance page.
  const form = await rawRequest(server.url + '/profile', { method: 'POST', headers: { authorization: `Bearer ${lea}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'first_name=Leah' });
  assert.equal(form.status, 503);
  assert.match(form.body.toString('utf8'), /The site is in read-only mode/);
  // The settings page says so and leads to the maintenance page.
  const settings = (await rawRequest(server.url + '/admin/settings', { headers: { authorization: `Bearer ${admin}` } })).body.toString('utf8');
  assert.match(settings, /id="settings-maintenance"[^]*Read-only mode is on[^]*href="\/admin\/maintenance"/);

  // The administrator can still sign in, and ends it.
  const again = await signIn(server, 'admin', ADMIN_PASSWORD);
  await call(again, 'POST', '/api/v1/maintenance/read-only', { on: false }, 200);
  assert.equal((await call(undefined, 'GET', '/api/v1/status', undefined, 200)).json.status, 'ok');
  await call(lea, 'PATCH', '/api/v1/me', { first_name: 'Leah' }, 200);
});

test('lectern maintenance on --until ends read-only mode by itself', async () => {
  const until = iso(Date.now() + 3000);
  const out = lectern(['maintenance', 'on', '--until', until, '--message', 'Backup'], 0);
  assert.match(out, /read-only mode: on, until/);
  await poll(async () => (await call(undefined, 'GET', '/api/v1/status')).json.status === 'read_only', { what: 'read-only mode' });
  await call(lea, 'PATCH', '/api/v1/me', { last_name: 'Later' }, 503);
  await poll(async () => (await call(undefined, 'GET', '/api/v1/status')).json.status === 'ok', { timeoutMs: 15000, what: 'read-only mode to end' });
  await call(lea, 'PATCH', '/api/v1/me', { last_name: 'Later' }, 200);
  assert.match(lectern(['maintenance', 'status'], 0), /read-only mode: off/);
  lectern(['maintenance', 'on', '--until', '2001-01-01T00:00:00Z'], 1);
  lectern(['maintenance', 'sideways'], 2);
});
