// In a browser: the trainer of a two-day class opens "Attendance by part" from the session
// page, marks a learner attended on the first day and a no-show on the second, and sees the
// event's attendance follow as "Partly attended". The course, the event and the booking are
// set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, signInUI, accessibilityProblems } from '../lib/browser.mjs';

const PW = 'Meadow-Copper-Signal-36';
const CODE = 'MANUAL-2';
let server;
let browser;
let sessionPath;

const day = (days, hour) => {
  const d = new Date(Date.now() + days * 86400000);
  return `${d.toISOString().slice(0, 10)}T${String(hour).padStart(2, '0')}:00:00Z`;
};

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await createUser(server, { username: 'tara', first_name: 'Tara', last_name: 'Trainer', roles: ['instructor'], password: PW }, admin);
  await createUser(server, { username: 'luis', first_name: 'Luis', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Manual handling', kind: 'classroom', status: 'published' });
  const section = (await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Class' })).id;
  const session = (await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section, kind: 'session', title: 'Two days on site' })).activity.id;
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'tara', role: 'instructor' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'luis', role: 'learner' });
  const parts = [{ starts_at: day(9, 9), ends_at: day(9, 17) }, { starts_at: day(10, 9), ends_at: day(10, 17) }];
  const event = (await call('POST', `/api/v1/courses/${CODE}/events`, { title: 'Lifting safely', timezone: 'UTC', meeting_url: 'https://meet.example.org/lift', parts, seats: 8, trainers: ['tara'] })).id;
  await call('POST', `/api/v1/events/${event}/bookings`, { username: 'luis' });
  sessionPath = `/courses/${CODE}/sessions/${session}`;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the trainer takes attendance day by day and the event follows as partly attended', { timeout: 120000 }, async () => {
  const page = await newPage(browser, server);
  await signInUI(page, 'tara', PW);
  await page.goto(sessionPath);
  await submit(page, () => page.getByRole('link', { name: 'Attendance by part' }).click());
  await page.getByRole('heading', { name: 'Attendance: Lifting safely' }).waitFor();
  const row = page.getByRole('row', { name: /Luis Learner/ });
  assert.equal(await row.locator('.part-status').first().innerText(), 'Not marked');
  await submit(page, () => row.getByRole('button', { name: 'Attended (luis, Part 1)' }).click());
  await page.getByText('Attendance was recorded.').waitFor();
  assert.equal(await page.getByRole('row', { name: /Luis Learner/ }).locator('.event-attendance').innerText(), 'When every part is marked');
  await submit(page, () => page.getByRole('row', { name: /Luis Learner/ }).getByRole('button', { name: 'No-show (luis, Part 2)' }).click());
  const done = page.getByRole('row', { name: /Luis Learner/ });
  assert.deepEqual(await done.locator('.part-status').allInnerTexts(), ['Attended', 'No-show']);
  assert.equal(await done.locator('.event-attendance').innerText(), 'Partly attended');
  assert.deepEqual(await accessibilityProblems(page), [], 'accessibility problems on the attendance page');
  assert.deepEqual(page.consoleErrors, []);
  // Back on the session page, the booking shows the event's attendance.
  await submit(page, () => page.getByRole('link', { name: 'Back to the session' }).click());
  await page.locator('tr[data-username="luis"] .attendance', { hasText: 'Partly attended' }).waitFor();
});
