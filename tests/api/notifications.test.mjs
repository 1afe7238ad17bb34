// The notification centre (docs/notifications.md): each person chooses per type how a message
// reaches them; an announcement's e-mail then comes as an e-mail to one person, a notification
// in Lectern to another and nothing to a third; the list is newest first and paged, marking
// one or all read changes the unread count; a sign-in message cannot be turned off or kept in
// Lectern; nobody reads or marks another's; and the daily digest gathers a day's items into one
// e-mail a person, however often it runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { advanceClock, runJobNow } from '../lib/clock.mjs';

const PW = 'Notify-Password-2026';
let server, sink, admin, dept;
const tokens = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const mine = async (who, query = '') => (await call(tokens[who], 'GET', `/api/v1/me/notifications${query}`, undefined, 200)).json;
const choose = (who, choices, status = 200) => call(tokens[who], 'PUT', '/api/v1/me/notifications/preferences', choices, status);
const announce = (title) => call(admin, 'POST', '/api/v1/announcements', { title, body: 'Hello', audience: { department_id: dept }, email: true }, 201);
const mailTo = (who) => sink.messages().filter((m) => m.to.includes(`${who}@example.org`));

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  admin = await adminToken(server);
  await call(admin, 'PATCH', '/api/v1/settings/mail', { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url }, 200);
  dept = (await call(admin, 'POST', '/api/v1/departments', { name: 'Warehouse' }, 201)).json.department.id;
  for (const username of ['emma', 'ina', 'otto', 'dora']) {
    await createUser(server, { username, first_name: username, last_name: 'Test', email: `${username}@example.org`, roles: ['learner'], password: PW }, admin);
    await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, { department_id: dept }, 200);
    tokens[username] = await signIn(server, username, PW);
  }
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('the choices offered follow the type; a sign-in message stays e-mail only; nothing half-saved', async () => {
  const prefs = (await call(tokens.ina, 'GET', '/api/v1/me/notifications/preferences', undefined, 200)).json.preferences;
  const byType = Object.fromEntries(prefs.map((x) => [x.type, x]));
  assert.equal(byType.announcement.channel, 'email', 'e-mail until chosen otherwise');
  assert.equal(byType.password_reset.email_only, true);
  assert.equal(byType.event_booked.email_only, false);
  const r = await choose('ina', { announcement: 'inapp', password_reset: 'off' }, 422);
  assert.equal(r.json.error.field, 'password_reset');
  assert.match(r.json.error.message, /only be sent by e-mail/);
  assert.equal(r.json.error.field, 'password_reset');
  const bad = await choose('ina', { announcement: 'pigeon' }, 422);
  assert.match(bad.json.error.message, /Choose e-mail, in Lectern, daily digest or off/);
  const after1 = (await call(tokens.ina, 'GET', '/api/v1/me/notifications/preferences', undefined, 200)).json.preferences;
  assert.equal(after1.find((x) => x.type === 'announcement').channel, 'email', 'the refused request saved nothing');
});

test('an announcement reaches each person as they chose: e-mail, in Lectern, or not at all', async () => {
  await choose('ina', { announcement: 'inapp' });
  await choose('otto', { announcement: 'off' });
  assert.equal((await mine('ina')).unread, 0);
  await announce('Forklift training');
  await sink.waitFor((m) => m.to.includes('emma@example.org') && /Forklift training/.test(m.subject), { what: "emma's e-mail" });
  const list = await (async () => {
    for (let i = 0; i < 100; i++) {
      const m = await mine('ina');
      if (m.notifications.length) return m;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no notification for ina');
  })();
  assert.equal(list.unread, 1);
  const n = list.notifications[0];
  assert.equal(n.type, 'announcement');
  assert.equal(n.read, false);
  assert.equal(n.link, '/announcements');
  assert.match(n.line, /^Announcement: Forklift training$/);
  assert.equal(mailTo('ina').length, 0, 'ina chose Lectern, not e-mail');
  assert.equal(mailTo('otto').length, 0, 'otto turned announcements off');
  assert.equal((await mine('otto')).notifications.length, 0);

  // The bell on every page, at no query: a page with one unread costs what it costs without.
  const page = async (who) => {
    await api(server, 'GET', '/plan', { token: tokens[who], headers: { accept: 'text/html' } });
    return api(server, 'GET', '/plan', { token: tokens[who], headers: { accept: 'text/html' } });
  };
  const withBell = await page('ina'), without = await page('otto');
  assert.match(withBell.text, /id="nav-bell-count">1</);
  assert.doesNotMatch(without.text, /nav-bell-count/);
  assert.equal(withBell.headers['x-lectern-queries'], without.headers['x-lectern-queries']);

  // Nobody marks another's notification.
  await call(tokens.otto, 'POST', '/api/v1/me/notifications/read', { id: n.id }, 404);
  assert.equal((await mine('ina')).unread, 1);
  const read = await call(tokens.ina, 'POST', '/api/v1/me/notifications/read', { id: n.id }, 200);
  assert.deepEqual(read.json, { changed: 1, unread: 0 });
  assert.equal((await mine('ina')).notifications[0].read, true);

  // An administrator's line is what the list shows from then on; a line that does not render is
  // refused with nothing saved; the reset brings the table's line back.
  const body = (await call(admin, 'GET', '/admin/messages/announcement', undefined, 200)).json.message.body;
  const broken = await call(admin, 'POST', '/admin/messages/announcement', { body, line: 'News: {{#title}}' }, 422);
  assert.equal(broken.json.error.field, 'line');
  assert.match((await mine('ina')).notifications[0].line, /^Announcement: Forklift training$/);
  await call(admin, 'POST', '/admin/messages/announcement', { body, line: 'News for {{{first_name}}}: {{{title}}}' }, 200);
  assert.equal((await mine('ina')).notifications[0].line, 'News for ina: Forklift training');
  await call(admin, 'POST', '/admin/messages/announcement/reset', undefined, 200);
  assert.equal((await mine('ina')).notifications[0].line, 'Announcement: Forklift training');
});

test('the list is newest first and paged; "mark all read" clears the count', async () => {
  await choose('dora', { announcement: 'inapp' });
  // One at a time: each announcement's e-mail is its own job, and jobs run side by side.
  let all;
  for (const t of ['One', 'Two', 'Three']) {
    await announce(`Paging ${t}`);
    for (let i = 0; i < 100; i++) {
      all = await mine('dora');
      if (all.notifications.some((x) => x.line === `Announcement: Paging ${t}`)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  assert.deepEqual(all.notifications.slice(0, 3).map((x) => x.line), ['Announcement: Paging Three', 'Announcement: Paging Two', 'Announcement: Paging One']);
  const first = await mine('dora', '?limit=2');
  assert.equal(first.notifications.length, 2);
  assert.ok(first.older, 'an older page');
  const second = await mine('dora', `?limit=2&before=${first.older}`);
  assert.ok(second.notifications.every((x) => x.id < first.older));
  const r = await call(tokens.dora, 'POST', '/api/v1/me/notifications/read', {}, 200);
  assert.ok(r.json.changed >= 3);
  assert.equal(r.json.unread, 0);
  assert.equal((await mine('dora')).unread, 0);
});

test('the daily digest: a day\'s items in one e-mail a person, once however often it runs', async () => {
  await choose('emma', { announcement: 'digest' });
  await announce('Digest item A');
  await announce('Digest item B');
  for (let i = 0; i < 100; i++) {
    if ((await mine('emma')).notifications.filter((x) => x.channel === 'digest').length >= 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(mailTo('emma').filter((m) => /Digest item/.test(m.subject)).length, 0, 'no e-mail at once');
  await advanceClock(server, '1d');
  const job = await runJobNow(server, 'notifications.digest');
  assert.equal(job.result.sent >= 1, true, JSON.stringify(job));
  const digest = await sink.waitFor((m) => m.to.includes('emma@example.org') && /Your notifications of/.test(m.subject), { what: "emma's digest" });
  assert.match(digest.text, /Announcement: Digest item A/);
  assert.match(digest.text, /Announcement: Digest item B/);
  const again = await runJobNow(server, 'notifications.digest');
  assert.equal(again.result.sent, 0, 'a second run sends nothing');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(mailTo('emma').filter((m) => /Your notifications of/.test(m.subject)).length, 1);
});
