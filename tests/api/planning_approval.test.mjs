// Planning through the API, beyond booking: sessions whose bookings need the line manager's
// approval (the manager approves or declines with a reason, once; an administrator decides
// instead, and for people without a manager; someone else's manager cannot), reminders before
// an event sent once through the job workers and the outbox, "all attended" with exceptions,
// and a no-show reported to the manager. Messages are read from an SMTP sink.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, show, signIn, adminToken, createUser, lecternBin, poll } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

const PW = 'Amber-Willow-Harbour-58';
const COURSE = 'APPR-1';
let server;
let sink;
let admin;
const tokens = {};
let session;

const at = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
const DAY = 86400000;

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

const to = (username) => (m) => (m.to || '').includes(`${username}@example.org`);
const mailsTo = (username, subject) => sink.messages().filter((m) => to(username)(m) && (m.subject || '').startsWith(subject));

/** Runs the reminder scan now on the server's workers, and waits until it has run. */
async function runReminderScan() {
  const args = ['jobs', 'enqueue', 'planning.reminders', '--data', server.dataDir];
  if (server.dbUrl) args.push('--db', server.dbUrl);
  const r = spawnSync(lecternBin(), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const id = /queued job (\d+)/.exec(r.stdout)[1];
  const show = ['jobs', 'show', id, '--json', '--data', server.dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  return poll(() => {
    const s = spawnSync(lecternBin(), show, { encoding: 'utf8' });
    const job = s.status === 0 ? JSON.parse(s.stdout) : null;
    return job && job.state === 'done' ? job : null;
  }, { timeoutMs: 20000, intervalMs: 200, what: `reminder job ${id} done` });
}

// Each event on a day of its own: one trainer teaching two at once is a conflict.
let nextDay = 10;
async function newEvent(over = {}) {
  const day = nextDay++;
  const body = { title: 'Safety day', starts_at: at(day * DAY), ends_at: at(day * DAY + 3600000), timezone: 'Europe/London', meeting_url: 'https://meet.example.org/safety', seats: 1, trainers: ['ivy'], ...over };
  return (await call(tokens.ivy, 'POST', `/api/v1/courses/${COURSE}/events`, body, 201)).json.id;
}

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  admin = await adminToken(server);
  const mail = await call(admin, 'PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url,
  });
  assert.equal(mail.status, 200, show(mail));
  await call(admin, 'POST', '/api/v1/courses', { code: COURSE, title: 'Site safety', kind: 'classroom', status: 'published' }, 201);
  const section = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/sections`, { title: 'Class' }, 201)).json.id;
  session = (await call(admin, 'POST', `/api/v1/courses/${COURSE}/activities`, { section_id: section, kind: 'session', title: 'Safety day' }, 201)).json.activity.id;
  const people = [
    ['mona', ['manager'], ''], ['mark', ['manager'], ''], ['ivy', ['instructor'], ''],
    ['lea', ['learner'], 'mona'], ['leo', ['learner'], 'mona'], ['lou', ['learner'], 'mark'], ['nia', ['learner'], ''],
  ];
  for (const [username, roles, manager] of people) {
    await createUser(server, { username, first_name: username[0].toUpperCase() + username.slice(1), last_name: 'Test', email: `${username}@example.org`, roles, password: PW }, admin);
    if (manager) await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, { manager }, 200);
    tokens[username] = await signIn(server, username, PW);
  }
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { username: 'ivy', role: 'instructor' }, 201);
  await call(admin, 'POST', `/api/v1/courses/${COURSE}/enrolments`, { usernames: 'lea\nleo\nlou\nnia', role: 'learner' });
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('a session asks for approval: the manager is told, approves once, declines with a reason; others cannot decide', async () => {
  const bad = await call(tokens.ivy, 'PATCH', `/api/v1/courses/${COURSE}/sessions/${session}/settings`, { reminders: 'soon' }, 422);
  assert.equal(bad.json.error.field, 'reminders');
  const set = await call(tokens.ivy, 'PATCH', `/api/v1/courses/${COURSE}/sessions/${session}/settings`, { needs_approval: true }, 200);
  assert.equal(set.json.settings.needs_approval, true);
  assert.equal(set.json.settings.reminders, '2d, 2h');
  const ev = await newEvent();

  assert.equal((await call(tokens.lea, 'POST', `/api/v1/events/${ev}/bookings`, undefined, 201)).json.state, 'awaiting_approval');
  assert.equal((await call(tokens.leo, 'POST', `/api/v1/events/${ev}/bookings`, undefined, 201)).json.state, 'awaiting_approval');
  assert.equal((await call(tokens.lea, 'GET', `/api/v1/events/${ev}`, undefined, 200)).json.event.free, 1, 'a request takes no seat');
  const request = await sink.waitFor((m) => to('mona')(m) && /Lea Test/.test(m.subject), { what: "the request to lea's manager" });
  assert.match(request.text, /\/approvals/);

  const queue = (await call(tokens.mona, 'GET', '/api/v1/me/approvals', undefined, 200)).json.approvals;
  assert.deepEqual(queue.map((a) => a.username).sort(), ['lea', 'leo']);
  assert.deepEqual((await call(tokens.mark, 'GET', '/api/v1/me/approvals', undefined, 200)).json.approvals, []);

  // Someone else's manager, and the learner themself, cannot decide.
  await call(tokens.mark, 'POST', `/api/v1/events/${ev}/bookings/lea/approve`, undefined, 404);
  await call(tokens.lea, 'POST', `/api/v1/events/${ev}/bookings/lea/approve`, undefined, 404);

  assert.equal((await call(tokens.mona, 'POST', `/api/v1/events/${ev}/bookings/lea/approve`, undefined, 200)).json.state, 'booked');
  const twice = await call(tokens.mona, 'POST', `/api/v1/events/${ev}/bookings/lea/approve`, undefined, 409);
  assert.match(twice.json.error.message, /approved already/);
  await sink.waitFor((m) => to('lea')(m) && /approved/i.test(m.subject), { what: 'the approval message to lea' });

  const noReason = await call(tokens.mona, 'POST', `/api/v1/events/${ev}/bookings/leo/decline`, { reason: '' }, 422);
  assert.equal(noReason.json.error.field, 'reason');
  await call(tokens.mona, 'POST', `/api/v1/events/${ev}/bookings/leo/decline`, { reason: 'We are short-staffed that week' }, 200);
  const again = await call(tokens.mona, 'POST', `/api/v1/events/${ev}/bookings/leo/decline`, { reason: 'Still no' }, 409);
  assert.match(again.json.error.message, /declined already/);
  const declined = await sink.waitFor((m) => to('leo')(m) && /declined/i.test(m.subject), { what: 'the decline message to leo' });
  assert.match(declined.text, /short-staffed that week/);
  assert.deepEqual((await call(tokens.mona, 'GET', '/api/v1/me/approvals', undefined, 200)).json.approvals, []);
});

test('an administrator decides instead of the manager, and for a learner without one', async () => {
  const ev = await newEvent({ title: 'Second day', seats: 1 });
  await call(tokens.lou, 'POST', `/api/v1/events/${ev}/bookings`, undefined, 201);
  await call(tokens.nia, 'POST', `/api/v1/events/${ev}/bookings`, undefined, 201);
  const queue = (await call(admin, 'GET', '/api/v1/me/approvals', undefined, 200)).json.approvals.filter((a) => a.event_id === ev);
  assert.deepEqual(queue.map((a) => [a.username, a.manager]), [['lou', 'mark'], ['nia', null]]);
  assert.equal((await call(admin, 'POST', `/api/v1/events/${ev}/bookings/nia/approve`, undefined, 200)).json.state, 'booked');
  // The only seat went to nia: lou's approval puts lou on the waitlist.
  assert.equal((await call(admin, 'POST', `/api/v1/events/${ev}/bookings/lou/approve`, undefined, 200)).json.state, 'waitlisted');
  await call(tokens.mark, 'POST', `/api/v1/events/${ev}/bookings/lou/decline`, { reason: 'Too late' }, 409);
  // The session's page tells a learner without a manager who decides; not one with a manager.
  const page = async (who) => (await api(server, 'GET', `/courses/${COURSE}/sessions/${session}`, { token: tokens[who], headers: { accept: 'text/html' } })).text;
  assert.match(await page('nia'), /an administrator decides instead/);
  assert.doesNotMatch(await page('lou'), /an administrator decides instead/);
  await call(admin, 'PATCH', `/api/v1/courses/${COURSE}/sessions/${session}/settings`, { needs_approval: false }, 200);
});

test('reminders before an event go to the booked learner and the trainer once, however often the scan runs', async () => {
  // Starting in 90 minutes: the two-hour reminder is due at once (and the two-day one is not sent as well).
  const ev = await newEvent({ title: 'Soon', starts_at: at(90 * 60000), ends_at: at(150 * 60000), seats: 3 });
  assert.equal((await call(tokens.leo, 'POST', `/api/v1/events/${ev}/bookings`, undefined, 201)).json.state, 'booked');
  // The workers' own once-a-minute scan may send them first; either way they arrive.
  await runReminderScan();
  await sink.waitFor((m) => to('leo')(m) && /^Reminder: Soon/.test(m.subject), { what: 'the reminder to leo' });
  await sink.waitFor((m) => to('ivy')(m) && /^Reminder: you are training: Soon/.test(m.subject), { what: 'the reminder to ivy' });
  const second = await runReminderScan();
  assert.equal(second.result.sent, 0, JSON.stringify(second.result));
  assert.equal(mailsTo('leo', 'Reminder: Soon').length, 1);
  assert.equal(mailsTo('ivy', 'Reminder: you are training: Soon').length, 1);
});

test('all attended marks everyone left; exceptions stand; a no-show is reported to the manager', async () => {
  const ev = await newEvent({ title: 'Attend', seats: 5 });
  for (const who of ['lea', 'leo', 'nia']) await call(tokens[who], 'POST', `/api/v1/events/${ev}/bookings`, undefined, 201);
  await call(tokens.lea, 'POST', `/api/v1/events/${ev}/attendance/all`, undefined, 403);
  await call(tokens.ivy, 'POST', `/api/v1/events/${ev}/attendance`, { username: 'leo', status: 'no_show' }, 200);
  assert.equal((await call(tokens.ivy, 'POST', `/api/v1/events/${ev}/attendance/all`, undefined, 200)).json.attended, 2);
  const list = (await call(tokens.ivy, 'GET', `/api/v1/events/${ev}/bookings`, undefined, 200)).json.bookings;
  assert.deepEqual(list.map((b) => [b.username, b.attendance]).sort(), [['lea', 'attended'], ['leo', 'no_show'], ['nia', 'attended']]);
  const report = await sink.waitFor((m) => to('mona')(m) && /^Did not attend: Leo Test/.test(m.subject), { what: "the no-show report to leo's manager" });
  assert.match(report.text, /Attend/);
  const seen = (await call(tokens.nia, 'GET', `/api/v1/courses/${COURSE}/activities/${session}`, undefined, 200)).json;
  assert.equal(seen.activity.completed, true);
  const leo = (await call(tokens.leo, 'GET', `/api/v1/courses/${COURSE}/activities/${session}`, undefined, 200)).json;
  assert.equal(leo.activity.completed, false);
});
