// Programme reminders through the job workers and the outbox, read from an SMTP sink: a
// reminder before the due date, an overdue notice and the line manager told after seven days
// overdue, each once however often the scan runs; an extension reminding again of the new
// date; the reminder settings through the API with their bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, show, adminToken, createUser, lecternBin, poll } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

const PW = 'Amber-Willow-Harbour-58';
const DAY = 86400000;
let server;
let sink;
let admin;

/** YYYY-MM-DD for a day this many days from today (UTC). */
const day = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

const to = (username) => (m) => (m.to || '').includes(`${username}@example.org`);
const mails = (username, subject) => sink.messages().filter((m) => to(username)(m) && (m.subject || '').startsWith(subject));

function lectern(...args) {
  const all = [...args, '--data', server.dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const r = spawnSync(lecternBin(), all, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Runs the programmes' reminder scan now on the server's workers; its job's result. */
async function runScan() {
  const id = /queued job (\d+)/.exec(lectern('jobs', 'enqueue', 'schedules.reminders'))[1];
  const job = await poll(() => {
    const j = JSON.parse(lectern('jobs', 'show', id, '--json'));
    return j.state === 'done' ? j : null;
  }, { timeoutMs: 20000, intervalMs: 200, what: `reminder job ${id} done` });
  // Every message it queued has left the outbox.
  await poll(async () => (await call(admin, 'GET', '/api/v1/mail/outbox?state=queued', undefined, 200)).json.items.length === 0,
    { timeoutMs: 20000, intervalMs: 200, what: 'the outbox emptied' });
  return job;
}

async function programme(code, due, username) {
  await call(admin, 'POST', '/api/v1/programmes', { code, title: `Programme ${code}`, sets: [{ courses: ['REM-C'] }], due: { date: due } }, 201);
  await call(admin, 'POST', `/api/v1/programmes/${code}/assignments`, { username, confirm: true }, 201);
}

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  admin = await adminToken(server);
  await call(admin, 'PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url,
  }, 200);
  await call(admin, 'POST', '/api/v1/courses', { code: 'REM-C', title: 'Fire safety', status: 'published' }, 201);
  for (const [username, roles, manager] of [['mona', ['manager'], ''], ['lea', ['learner'], 'mona']]) {
    await createUser(server, { username, first_name: username[0].toUpperCase() + username.slice(1), last_name: 'Test', email: `${username}@example.org`, roles, password: PW }, admin);
    if (manager) await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, { manager }, 200);
  }
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('due soon, overdue and escalation go out once each, however often the scan runs', async () => {
  await programme('SOON', day(3), 'lea');    // three days left: the 7-day reminder
  await programme('LATE', day(-10), 'lea');  // ten days overdue: the notice, and the manager told
  await runScan();
  const soon = await sink.waitFor((m) => to('lea')(m) && /^Training due soon: Programme SOON/.test(m.subject), { what: 'the reminder to lea' });
  assert.match(soon.text, new RegExp(day(3)));
  assert.match(soon.text, /\/plan/);
  await sink.waitFor((m) => to('lea')(m) && /^Training overdue: Programme LATE/.test(m.subject), { what: 'the overdue notice to lea' });
  const told = await sink.waitFor((m) => to('mona')(m) && /^Overdue training in your team: Lea Test, Programme LATE/.test(m.subject), { what: 'the escalation to mona' });
  assert.match(told.text, /lea/);

  const second = await runScan();
  assert.equal(second.result.sent, 0, JSON.stringify(second.result));
  assert.equal(mails('lea', 'Training due soon: Programme SOON').length, 1);
  assert.equal(mails('lea', 'Training overdue: Programme LATE').length, 1);
  assert.equal(mails('mona', 'Overdue training in your team').length, 1);
  assert.equal(mails('lea', 'Training overdue: Programme SOON').length, 0, 'not overdue yet');
  assert.equal(mails('mona', 'Training').length, 0, 'the manager has no programme of her own');
});

test('an extension reminds again, of the new due date', async () => {
  // lea's LATE moved to two days from now: the 7-day reminder of the new date.
  await call(admin, 'POST', '/api/v1/programmes/LATE/assignments/lea/extension', { due: day(2), reason: 'Back from leave' }, 200);
  await runScan();
  await sink.waitFor((m) => to('lea')(m) && /^Training due soon: Programme LATE/.test(m.subject), { what: 'the reminder of the new date' });
  assert.equal(mails('lea', 'Training overdue: Programme LATE').length, 1);
});

test('reminder settings: read with the programme, changed, and bad input refused with the field', async () => {
  const shown = (await call(admin, 'GET', '/api/v1/programmes/SOON', undefined, 200)).json;
  assert.deepEqual(shown.reminders, { before_days: [14, 7, 1], before: '14,7,1', overdue: true, escalate_days: 7, expiry_days: [60, 30], expiry: '60,30' });
  const bad = await call(admin, 'POST', '/api/v1/programmes/SOON/reminders', { remind_before: '14, soon' }, 422);
  assert.equal(bad.json.error.field, 'remind_before');
  const badList = await call(admin, 'POST', '/api/v1/programmes/SOON/reminders', { before_days: ['x'] }, 422);
  assert.equal(badList.json.error.field, 'remind_before');
  const badDays = await call(admin, 'POST', '/api/v1/programmes/SOON/reminders', { escalate_days: -2 }, 422);
  assert.equal(badDays.json.error.field, 'escalate_days');
  const set = await call(admin, 'POST', '/api/v1/programmes/SOON/reminders', { before_days: [1, 30], remind_overdue: false }, 200);
  assert.deepEqual(set.json.reminders, { before_days: [30, 1], before: '30,1', overdue: false, escalate_days: 7, expiry_days: [60, 30], expiry: '60,30' });
  const badExpiry = await call(admin, 'POST', '/api/v1/programmes/SOON/reminders', { expiry_days: [60, 400] }, 422);
  assert.equal(badExpiry.json.error.field, 'remind_expiry');
  const expiry = await call(admin, 'POST', '/api/v1/programmes/SOON/reminders', { remind_expiry: '10, 45' }, 200);
  assert.deepEqual([expiry.json.reminders.expiry_days, expiry.json.reminders.before], [[45, 10], '30,1']);
  await call(admin, 'POST', '/api/v1/programmes/NOPE/reminders', { escalate_days: 3 }, 404);
});

test('an administrator\'s own text is used for the next message, and a text that does not render is refused', async () => {
  const broken = await call(admin, 'POST', '/admin/messages/programme_overdue', { body: 'Subject: {{#due}}\n\nNever closed' }, 422);
  assert.equal(broken.json.error.field, 'body');
  const noSubject = await call(admin, 'POST', '/admin/messages/programme_overdue', { body: 'Hello {{{first_name}}}' }, 422);
  assert.equal(noSubject.json.error.field, 'body');
  await call(admin, 'POST', '/admin/messages/no_such_message', { body: 'Subject: x\n\ny' }, 404);
  await call(admin, 'POST', '/admin/messages/programme_overdue', { body: 'Subject: Late: {{{programme_code}}} for {{{username}}}\n\n{{{programme_title}}} was due {{{due}}}.\n' }, 200);
  await programme('OWN', day(-2), 'lea');
  await runScan();
  const own = await sink.waitFor((m) => to('lea')(m) && m.subject === 'Late: OWN for lea', { what: 'the overdue notice in the administrator\'s words' });
  assert.match(own.text, new RegExp(`Programme OWN was due ${day(-2)}\\.`));
  await call(admin, 'POST', '/admin/messages/programme_overdue/reset', undefined, 200);
  await programme('BACK', day(-2), 'lea');
  await runScan();
  await sink.waitFor((m) => to('lea')(m) && /^Training overdue: Programme BACK/.test(m.subject), { what: 'the built-in text again' });
});
