// In a browser: a learner whose zone is Asia/Tokyo opens My calendar from the main navigation
// and finds the event she is booked on (planned at 09:00 in London) in the month view and in
// the agenda at the time it is in Tokyo, then makes a calendar address, which a calendar
// program can read without a session, and replaces it with a new one (the old one stops). The
// course, the event and the booking are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, signIn, rawRequest } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'CAL-B';
let server;
let browser;
let event;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (token, method, path, body) => {
    const r = await api(server, method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await createUser(server, { username: 'tomo', email: 'tomo@example.com', first_name: 'Tomo', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  await call(admin, 'POST', '/api/v1/courses', { code: CODE, title: 'Manual handling', status: 'published' });
  const section = (await call(admin, 'POST', `/api/v1/courses/${CODE}/sections`, { title: 'Class' })).id;
  await call(admin, 'POST', `/api/v1/courses/${CODE}/activities`, { section_id: section, kind: 'session', title: 'Lifting day' });
  await call(admin, 'POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'tomo', role: 'learner' });
  const room = (await call(admin, 'POST', '/api/v1/rooms', { name: 'Warehouse', site: 'Depot' })).id;
  const day = new Date(Date.now() + 10 * 86400000).toISOString().slice(0, 10);
  const id = (await call(admin, 'POST', `/api/v1/courses/${CODE}/events`, {
    title: 'Safe lifting', starts_at: `${day}T09:00`, ends_at: `${day}T12:00`, timezone: 'Europe/London', room_id: room, seats: 4,
  })).id;
  const tomo = await signIn(server, 'tomo', PW);
  await call(tomo, 'PATCH', '/api/v1/me', { timezone: 'Asia/Tokyo' });
  await call(tomo, 'POST', `/api/v1/events/${id}/bookings`);
  event = (await call(tomo, 'GET', `/api/v1/events/${id}`)).event;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The event's start as a person in Tokyo reads it: its date (YYYY-MM-DD) and time (HH:MM). */
function inTokyo(iso) {
  const d = new Date(iso);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return { date, time };
}

async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

test('My calendar shows the booked event at Tokyo time in month and agenda views, and makes a new feed address', { timeout: 180000 }, async () => {
  const local = inTokyo(event.starts_at);
  const page = await newPage(browser, server);
  await signInUI(page, 'tomo', PW);
  await submit(page, () => mainNav(page).getByRole('link', { name: 'My calendar', exact: true }).click());
  await page.getByRole('heading', { name: 'My calendar', level: 1 }).waitFor();
  await page.getByText('Times are shown in Asia/Tokyo').waitFor();

  // The month view: the event's day may be in the next month.
  const cell = page.locator(`#calendar-grid td[data-date="${local.date}"]`);
  for (let i = 0; i < 2 && !(await cell.count()); i++) await submit(page, () => page.getByRole('link', { name: 'Next', exact: true }).click());
  const entry = cell.getByRole('link', { name: `${local.time} Safe lifting` });
  await entry.waitFor();
  await expectClean(page);

  // The agenda, from the same day on.
  await submit(page, () => page.getByRole('link', { name: 'Agenda', exact: true }).click());
  const item = page.locator(`#calendar-agenda section[data-date="${local.date}"] .calendar-entry`).filter({ hasText: 'Safe lifting' });
  await item.waitFor();
  assert.equal((await item.locator('time').textContent()).trim(), local.time);
  assert.match(await item.textContent(), /Booked/);
  await expectClean(page);

  // The entry leads to the session's page.
  await submit(page, () => item.getByRole('link', { name: 'Safe lifting' }).click());
  await page.getByRole('heading', { name: 'Lifting day', level: 1 }).waitFor();

  // A calendar address, read without a session; a new one replaces it.
  await submit(page, () => mainNav(page).getByRole('link', { name: 'My calendar', exact: true }).click());
  await submit(page, () => page.getByRole('button', { name: 'Make a calendar address' }).click());
  const first = await page.getByLabel('Your calendar address').inputValue();
  assert.match(first, /\/calendar\/feed\/[0-9a-f]{64}\.ics$/);
  const feed = await rawRequest(first);
  assert.equal(feed.status, 200);
  assert.match(feed.headers['content-type'], /^text\/calendar/);
  assert.match(feed.body.toString('utf8'), new RegExp(`UID:event-${event.id}-part-1@`));
  await expectClean(page);

  await page.goto('/calendar');
  await page.getByText('You made a calendar address on').waitFor();
  await submit(page, () => page.getByRole('button', { name: 'New address' }).click());
  await page.getByText('Your new calendar address is ready').waitFor();
  const second = await page.getByLabel('Your calendar address').inputValue();
  assert.notEqual(second, first);
  assert.equal((await rawRequest(first)).status, 404);
  assert.equal((await rawRequest(second)).status, 200);
});
