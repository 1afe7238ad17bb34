// In a browser: an administrator changes an event through its Edit page (filled in from the
// event in its own time zone) and moves it to another day, and the learner booked on it is sent
// the "changed" mail with an updated invitation (METHOD:REQUEST, the same UID, a higher
// SEQUENCE, the new time; read from a local SMTP sink and parsed with ical.js); a change that
// puts the event in a room another course uses then shows the clash and is saved after an
// override reason; Copy plans the next run a week later; a change ending before it starts, or
// leaving fewer seats than people booked, is refused at the field with what was typed kept.
// People, courses and the bookings are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { launchBrowser, newPage, submit, signInUI, accessibilityProblems } from '../lib/browser.mjs';

const PW = 'Quartz-Meadow-Lantern-63';
const CODE = 'AID-1';
const OTHER = 'WARD-2';
let server;
let sink;
let browser;
let admin;
let eventId;
let sessionPath;

async function call(method, path, body) {
  const r = await api(server, method, path, { token: admin, body });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
  return r.json;
}

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ args: ['--mail-attempts', '1'] });
  admin = await adminToken(server);
  await call('PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', from_name: 'Training', site_url: server.url + '/',
  });
  await createUser(server, { username: 'ivy', first_name: 'Ivy', last_name: 'Trainer', roles: ['instructor'], password: PW, email: 'ivy@example.org' }, admin);
  await createUser(server, { username: 'lea', first_name: 'Lea', last_name: 'Learner', roles: ['learner'], password: PW, email: 'lea@example.org' }, admin);
  await createUser(server, { username: 'leo', first_name: 'Leo', last_name: 'Learner', roles: ['learner'], password: PW, email: 'leo@example.org' }, admin);
  const activities = {};
  for (const [code, title] of [[CODE, 'First aid'], [OTHER, 'Fire wardens']]) {
    await call('POST', '/api/v1/courses', { code, title, kind: 'classroom', status: 'published' });
    const section = (await call('POST', `/api/v1/courses/${code}/sections`, { title: 'Class' })).id;
    activities[code] = (await call('POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'session', title: 'Class day' })).activity.id;
  }
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'ivy', role: 'instructor' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'lea', role: 'learner' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'leo', role: 'learner' });
  const annex = (await call('POST', '/api/v1/rooms', { name: 'Annex', site: 'Head office', capacity: 10 })).id;
  const hall = (await call('POST', '/api/v1/rooms', { name: 'Hall', site: 'Head office', capacity: 20 })).id;
  await call('POST', `/api/v1/courses/${OTHER}/events`, { title: 'Warden drill', starts_at: '2031-06-10T08:00:00Z', ends_at: '2031-06-10T12:00:00Z', timezone: 'UTC', room_id: hall, seats: 10 });
  // 09:00 in London is 08:00 UTC in June (British Summer Time).
  eventId = (await call('POST', `/api/v1/courses/${CODE}/events`, {
    title: 'First aid day', starts_at: '2031-06-03T09:00', ends_at: '2031-06-03T12:00', timezone: 'Europe/London', room_id: annex, seats: 5,
    trainers: ['ivy'], external_trainers: ['Dana Smith (Acme Safety)'], note: 'Bring boots.',
  })).id;
  for (const username of ['lea', 'leo']) await call('POST', `/api/v1/events/${eventId}/bookings`, { username });
  sessionPath = `/courses/${CODE}/sessions/${activities[CODE]}`;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (sink) await sink.stop();
});

async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

/** The calendar part of a message, parsed, with its VTIMEZONEs registered. */
function invitation(message) {
  const m = /Content-Type: (text\/calendar[^\r\n]*)\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)\r?\n--/i.exec(message.raw);
  assert.ok(m, `no text/calendar part in:\n${message.raw.slice(0, 2000)}`);
  const cal = new ICAL.Component(ICAL.parse(m[2].replace(/=\r?\n/g, '')));
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
  return { type: m[1], cal, vevent: new ICAL.Event(cal.getFirstSubcomponent('vevent')) };
}

const mailTo = (who, subject) => sink.waitFor((m) => m.to.includes(who) && m.subject.includes(subject), { what: `${subject} to ${who}` });
const eventNow = async () => (await call('GET', `/api/v1/events/${eventId}`)).event;

async function adminOnEditPage() {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto(sessionPath);
  await submit(page, () => page.getByRole('region', { name: /First aid day/ }).first().getByRole('link', { name: 'Edit' }).click());
  return page;
}

test('an administrator moves an event to another day; the booked learner gets the updated invitation', { timeout: 120000 }, async () => {
  const booked = invitation(await mailTo('lea@example.org', 'First aid day'));
  const page = await adminOnEditPage();

  // Filled in from the event, in its own zone.
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'First aid day');
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/London');
  assert.equal(await page.getByLabel('Starts', { exact: true }).inputValue(), '2031-06-03T09:00');
  assert.equal(await page.getByLabel('Ends', { exact: true }).inputValue(), '2031-06-03T12:00');
  assert.equal(await page.getByLabel('Room', { exact: true }).inputValue(), String((await eventNow()).room.id));
  assert.equal(await page.getByLabel('Seats', { exact: true }).inputValue(), '5');
  assert.ok(await page.getByLabel('Ivy Trainer (ivy)').isChecked(), 'the trainer is ticked');
  assert.equal(await page.getByLabel('External trainers').inputValue(), 'Dana Smith (Acme Safety)');
  assert.equal(await page.getByLabel('Note', { exact: true }).inputValue(), 'Bring boots.');
  await expectClean(page);

  await page.getByLabel('Starts', { exact: true }).fill('2031-06-05T09:00');
  await page.getByLabel('Ends', { exact: true }).fill('2031-06-05T12:00');
  await submit(page, () => page.getByRole('button', { name: 'Save changes' }).click());
  await page.getByText('The changes to the event were saved.').waitFor();
  assert.match(await page.getByRole('region', { name: /First aid day/ }).locator('.parts').innerText(), /5 Jun 2031, 08:00/);
  const after = await eventNow();
  assert.equal(after.starts_at, '2031-06-05T08:00:00Z');
  assert.deepEqual(after.trainers, ['ivy'], 'the trainers are kept');
  assert.deepEqual(after.external_trainers, ['Dana Smith (Acme Safety)']);

  const changed = invitation(await mailTo('lea@example.org', 'Event changed'));
  assert.match(changed.type, /method=REQUEST/);
  assert.equal(changed.cal.getFirstPropertyValue('method'), 'REQUEST');
  assert.equal(changed.vevent.uid, booked.vevent.uid);
  assert.ok(changed.vevent.sequence > booked.vevent.sequence, `${changed.vevent.sequence} > ${booked.vevent.sequence}`);
  assert.equal(changed.vevent.startDate.toJSDate().toISOString(), '2031-06-05T08:00:00.000Z');
});

test('a change into a room already in use shows the clash and is saved after an override reason', { timeout: 120000 }, async () => {
  const page = await adminOnEditPage();
  await page.getByLabel('Time zone').fill('UTC');
  await page.getByLabel('Starts', { exact: true }).fill('2031-06-10T10:00');
  await page.getByLabel('Ends', { exact: true }).fill('2031-06-10T11:00');
  await page.getByLabel('Room', { exact: true }).selectOption({ label: 'Hall (Head office)' });
  await submit(page, () => page.getByRole('button', { name: 'Save changes' }).click());

  const clash = page.locator('#conflicts');
  await clash.waitFor();
  const words = await clash.innerText();
  assert.match(words, /Room already in use/);
  assert.match(words, /WARD-2 Fire wardens, “Warden drill”/);
  assert.match(words, /10 Jun 2031, 10:00/);
  // Nothing saved; what was typed is kept.
  assert.equal((await eventNow()).starts_at, '2031-06-05T08:00:00Z');
  assert.equal(await page.getByLabel('Starts', { exact: true }).inputValue(), '2031-06-10T10:00');
  assert.equal(await page.getByLabel('Time zone').inputValue(), 'UTC');
  assert.match(await page.getByLabel('Room', { exact: true }).locator('option:checked').innerText(), /Hall/);
  await expectClean(page);

  await page.getByLabel('Override with reason').fill('The drill uses the far end of the hall');
  await submit(page, () => page.getByRole('button', { name: 'Save changes' }).click());
  await page.getByText('The changes to the event were saved.').waitFor();
  const after = await eventNow();
  assert.equal(after.room.name, 'Hall');
  assert.equal(after.starts_at, '2031-06-10T10:00:00Z');
  const audit = await api(server, 'GET', '/api/v1/audit?action=conflict.override', { token: admin });
  assert.equal(audit.json.items[0]?.details?.reason, 'The drill uses the far end of the hall', show(audit));
});

test('copying an event plans a second one a week later', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto(sessionPath);
  await submit(page, () => page.getByRole('region', { name: /First aid day/ }).getByRole('link', { name: 'Copy' }).click());
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'First aid day');
  assert.equal(await page.getByLabel('Starts', { exact: true }).inputValue(), '2031-06-17T10:00');
  assert.equal(await page.getByLabel('Ends', { exact: true }).inputValue(), '2031-06-17T11:00');
  assert.ok(await page.getByLabel('Ivy Trainer (ivy)').isChecked());
  await expectClean(page);
  await submit(page, () => page.getByRole('button', { name: 'Add event' }).click());
  await page.getByText('The event was added.').waitFor();

  const events = page.getByRole('region', { name: /First aid day/ });
  assert.equal(await events.count(), 2);
  assert.match(await events.nth(1).locator('.parts').innerText(), /17 Jun 2031, 10:00/);
  assert.match(await events.nth(1).innerText(), /Hall, Head office/);
  const list = (await call('GET', `/api/v1/courses/${CODE}/events`)).events;
  const copy = list.find((e) => e.id !== eventId);
  assert.equal(copy.starts_at, '2031-06-17T10:00:00Z');
  assert.deepEqual(copy.trainers, ['ivy']);
  assert.equal(copy.seats, 5);
  assert.equal(copy.note, 'Bring boots.');
  assert.equal(copy.booked, 0, 'nobody is booked on the copy');
});

test('a change that ends before it starts, or leaves fewer seats than booked, is refused at the field with what was typed kept', { timeout: 120000 }, async () => {
  const page = await adminOnEditPage();
  await page.getByLabel('Title', { exact: true }).fill('First aid day, moved');
  await page.getByLabel('Ends', { exact: true }).fill('2031-06-10T09:00');
  await submit(page, () => page.getByRole('button', { name: 'Save changes' }).click());

  const ends = page.getByLabel('Ends', { exact: true });
  await page.locator('#error-summary').waitFor();
  assert.equal(await ends.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#event-ends-error').innerText(), /The event must end after it starts/);
  assert.equal(await ends.inputValue(), '2031-06-10T09:00');
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'First aid day, moved');
  assert.equal((await eventNow()).title, 'First aid day', 'nothing is saved');
  await expectClean(page);

  // Fewer seats than people booked: the seats field says how many are booked.
  await page.getByLabel('Ends', { exact: true }).fill('2031-06-10T11:00');
  await page.getByLabel('Seats', { exact: true }).fill('1');
  await submit(page, () => page.getByRole('button', { name: 'Save changes' }).click());
  await page.locator('#error-summary').waitFor();
  assert.equal(await page.getByLabel('Seats', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#event-seats-error').innerText(), /2 people are booked; give at least that many seats/);
  assert.equal(await page.getByLabel('Seats', { exact: true }).inputValue(), '1');
  assert.equal((await eventNow()).seats, 5, 'nothing is saved');
});
