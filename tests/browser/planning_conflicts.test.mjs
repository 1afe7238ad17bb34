// In a browser: an administrator plans an event in a room another course uses at that time,
// sees the clash named (the other course, its event and the time), overrides it with a reason,
// then books a department through "Book people": a preview person by person, then the booking,
// with the seats filled and the rest on the waitlist; a learner already booked at an
// overlapping time is refused with the clash named, and a person is moved to another event of
// the course. The people, courses and the other events are set up through the API: they are
// other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, signInUI, accessibilityProblems } from '../lib/browser.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'FORK-1';
const OTHER = 'WARD-1';
let server;
let browser;
let admin;
let sessionPath;

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  const dept = (await call('POST', '/api/v1/departments', { name: 'Warehouse' })).department.id;
  for (const username of ['walt', 'wanda', 'wes']) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: username[0].toUpperCase() + username.slice(1), last_name: 'Picker', roles: ['learner'], password: PW }, admin);
    await call('PATCH', `/api/v1/users/${username}/profile`, { department_id: dept });
  }
  const room = (await call('POST', '/api/v1/rooms', { name: 'Hall', site: 'Depot', capacity: 20 })).id;
  const activities = {};
  for (const [code, title] of [[CODE, 'Forklift safety'], [OTHER, 'Fire wardens']]) {
    await call('POST', '/api/v1/courses', { code, title, status: 'published' });
    const section = (await call('POST', `/api/v1/courses/${code}/sections`, { title: 'Class' })).id;
    activities[code] = (await call('POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'session', title: 'Class day' })).activity.id;
  }
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { usernames: 'wanda\nwalt\nwes', role: 'learner' });
  await call('POST', `/api/v1/courses/${OTHER}/events`, { title: 'Warden drill', starts_at: '2031-05-06T09:00:00Z', ends_at: '2031-05-06T12:00:00Z', timezone: 'UTC', room_id: room, seats: 10 });
  sessionPath = `/courses/${CODE}/sessions/${activities[CODE]}`;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

const eventOf = (page) => page.getByRole('region', { name: /Forklift day/ });

test('a room clash is named and overridden, a department booked after a preview, a learner\'s clash refused, a person moved', { timeout: 180000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'admin', ADMIN_PASSWORD);
  await page.goto(sessionPath);
  await submit(page, () => page.getByRole('link', { name: 'New event' }).click());
  await page.getByLabel('Title', { exact: true }).fill('Forklift day');
  await page.getByLabel('Time zone').fill('UTC');
  await page.getByLabel('Starts', { exact: true }).fill('2031-05-06T10:00');
  await page.getByLabel('Ends', { exact: true }).fill('2031-05-06T11:30');
  await page.getByLabel('Room', { exact: true }).selectOption({ label: 'Hall (Depot)' });
  await page.getByLabel('Seats', { exact: true }).fill('2');
  await page.getByLabel('External trainers').fill('Dana Smith (Acme Safety)');
  await submit(page, () => page.getByRole('button', { name: 'Add event' }).click());

  // Nothing is saved; the clash is listed in words, with what was typed kept.
  const clash = page.locator('#conflicts');
  await clash.waitFor();
  const words = await clash.innerText();
  assert.match(words, /Room already in use/);
  assert.match(words, /WARD-1 Fire wardens/);
  assert.match(words, /Warden drill/);
  assert.match(words, /6 May 2031, 10:00/);
  assert.match(words, /6 May 2031, 11:30/);
  assert.equal(await page.getByRole('region', { name: /Forklift day/ }).count(), 0, 'nothing saved before the override');
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Forklift day');
  assert.equal(await page.getByLabel('Starts', { exact: true }).inputValue(), '2031-05-06T10:00');
  await expectClean(page);

  // The administrator overrides with a reason.
  await page.getByLabel('Override with reason').fill('The hall is split by a partition');
  await submit(page, () => page.getByRole('button', { name: 'Add event' }).click());
  await page.getByText('The event was added.').waitFor();
  assert.match(await eventOf(page).innerText(), /Dana Smith \(Acme Safety\)/);
  const audit = await api(server, 'GET', '/api/v1/audit?action=conflict.override', { token: admin });
  assert.equal(audit.json.items[0]?.details?.reason, 'The hall is split by a partition', show(audit));

  // Book the department: a preview first, then the booking.
  await submit(page, () => eventOf(page).getByRole('link', { name: 'Book people' }).click());
  await page.getByLabel('Department').selectOption({ label: 'Warehouse' });
  await submit(page, () => page.getByRole('button', { name: 'Preview' }).click());
  const preview = page.locator('#preview');
  await preview.waitFor();
  // By name (last, then first): those beyond the seats wait in that order.
  const outcomes = await preview.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.username, r.dataset.outcome]));
  assert.deepEqual(outcomes, [['walt', 'booked'], ['wanda', 'booked'], ['wes', 'waitlisted']]);
  assert.match(await preview.locator('tr[data-username="wes"]').innerText(), /On the waitlist/);
  await expectClean(page);
  const before = await api(server, 'GET', sessionPath.replace(/^\/courses\/([^/]+)\/sessions\/\d+$/, '/api/v1/courses/$1/events'), { token: admin });
  assert.equal(before.json.events[0].booked, 0, `the preview books nobody: ${show(before)}`);
  await submit(page, () => page.getByRole('button', { name: 'Book them' }).click());
  await page.getByText('The people were booked.').waitFor();
  const rows = eventOf(page).locator('table.bookings tbody tr');
  assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.username)), ['walt', 'wanda', 'wes']);
  assert.match(await eventOf(page).locator('tr[data-username="wes"]').innerText(), /#1/);
  assert.match(await eventOf(page).locator('.free-seats').innerText(), /^0$/);
  await expectClean(page);

  // A second event of the course overlapping the first: Wes, waiting on the first, is refused.
  const refresher = await api(server, 'POST', `/api/v1/courses/${CODE}/events`, { token: admin, body: { title: 'Forklift refresher', starts_at: '2031-05-06T11:00:00Z', ends_at: '2031-05-06T12:00:00Z', timezone: 'UTC', meeting_url: 'https://meet.example.org/f', seats: 5 } });
  assert.equal(refresher.status, 201, show(refresher));
  const wes = await newPage(browser, server);
  await signInUI(wes, 'wes', PW);
  await wes.goto(sessionPath);
  await submit(wes, () => wes.getByRole('region', { name: /Forklift refresher/ }).getByRole('button', { name: 'Book' }).click());
  const refused = await wes.locator('#conflicts').innerText();
  assert.match(refused, /Already booked at that time/);
  assert.match(refused, /FORK-1 Forklift safety, “Forklift day”/);
  await wes.getByText('Already booked on another event at that time').first().waitFor();
  await expectClean(wes);

  // The administrator moves Walt to the refresher: Wes takes his seat on the first.
  await page.goto(sessionPath);
  const move = eventOf(page).locator('form.move-booking');
  await move.getByLabel('Move this person').selectOption('walt');
  await move.getByLabel('Move to another event').selectOption({ label: 'Forklift refresher · 6 May 2031, 11:00' });
  await submit(page, () => move.getByRole('button', { name: 'Move' }).click());
  await page.getByText('The person was moved and booked on the other event.').waitFor();
  assert.match(await eventOf(page).locator('tr[data-username="wes"]').innerText(), /Booked/);
  assert.match(await page.getByRole('region', { name: /Forklift refresher/ }).locator('tr[data-username="walt"]').innerText(), /Booked/);
  await expectClean(page);
});
