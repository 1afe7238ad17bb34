// In a browser: an administrator adds a room on the rooms page; the course's instructor adds a
// session activity and an event with one seat in that room through the pages; two learners
// book (the second joins the waitlist); the first cancels and the second is booked in their
// place; the instructor marks the second attended and the session shows complete for them. The
// people and the course are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'FIRE-7';
let server;
let browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  for (const [username, role] of [['ivan', 'instructor'], ['lena', 'learner'], ['omar', 'learner']])
    await createUser(server, { username, email: `${username}@example.com`, first_name: username[0].toUpperCase() + username.slice(1), roles: [role], password: PW }, admin);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Fire warden training', status: 'published' });
  for (const [username, role] of [['ivan', 'instructor'], ['lena', 'learner'], ['omar', 'learner']])
    await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username, role });
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

/** The event's section on the session page. */
const eventOf = (page) => page.getByRole('region', { name: /Evening drill/ });

test('a room, an event with one seat, a waitlist that moves up, and attendance that completes', { timeout: 180000 }, async () => {
  // The administrator adds the room.
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await mainNav(admin).getByRole('link', { name: 'Rooms', exact: true }).click();
  await admin.getByLabel('Name', { exact: true }).fill('Training room 2');
  await admin.getByLabel('Site or building').fill('Head office');
  await admin.getByLabel('Capacity').fill('12');
  await submit(admin, () => admin.getByRole('button', { name: 'Add room' }).click());
  await admin.getByText('The room was saved.').waitFor();
  await admin.getByRole('cell', { name: /Training room 2/ }).waitFor();
  await expectClean(admin);

  // The instructor adds a session activity and an event with one seat.
  const ivan = await newPage(browser, server);
  await signInUI(ivan, 'ivan', PW);
  await ivan.goto(`/courses/${CODE}`);
  await ivan.getByRole('link', { name: 'Manage course', exact: true }).click();
  await ivan.getByRole('navigation', { name: 'Course management' }).getByRole('link', { name: 'Content', exact: true }).click();
  await ivan.getByLabel('Section title', { exact: true }).last().fill('In the building');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Add section' }).click());
  await ivan.getByLabel('Kind of activity').selectOption('session');
  await ivan.locator('#act-title').fill('Evacuation drill');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Add activity' }).click());
  await ivan.goto(`/courses/${CODE}`);
  await submit(ivan, () => ivan.getByRole('link', { name: 'Evacuation drill', exact: true }).click());
  await ivan.getByRole('heading', { name: 'Evacuation drill', level: 1 }).waitFor();
  const sessionPath = pathOf(ivan);
  await ivan.getByLabel('Title', { exact: true }).fill('Evening drill');
  await ivan.getByLabel('Time zone').fill('Europe/London');
  await ivan.getByLabel('Starts', { exact: true }).fill('2031-03-04T18:00');
  await ivan.getByLabel('Ends', { exact: true }).fill('2031-03-04T19:30');
  await ivan.getByLabel('Room', { exact: true }).selectOption({ label: 'Training room 2 (Head office)' });
  await ivan.getByLabel('Seats', { exact: true }).fill('1');
  await submit(ivan, () => ivan.getByRole('button', { name: 'Add event' }).click());
  await ivan.getByText('The event was added.').waitFor();
  assert.match(await eventOf(ivan).innerText(), /Training room 2/);
  await expectClean(ivan);

  // Lena books the one seat; Omar joins the waitlist.
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.goto(sessionPath);
  assert.match(await eventOf(lena).locator('.free-seats').innerText(), /^1$/);
  await submit(lena, () => eventOf(lena).getByRole('button', { name: 'Book' }).click());
  await lena.getByText('You are booked.').first().waitFor();
  await expectClean(lena);

  const omar = await newPage(browser, server);
  await signInUI(omar, 'omar', PW);
  await omar.goto(sessionPath);
  await submit(omar, () => eventOf(omar).getByRole('button', { name: 'Join waitlist' }).click());
  await omar.getByText('You are on the waitlist for this event.').waitFor();

  // Lena cancels: Omar is booked in her place.
  await lena.goto(sessionPath);
  await submit(lena, () => eventOf(lena).getByRole('button', { name: 'Cancel my place' }).click());
  await lena.getByText('The booking was cancelled.').waitFor();
  await omar.goto(sessionPath);
  await omar.getByText('You are booked on this event.').waitFor();

  // The instructor sees Omar booked and marks him attended.
  await ivan.goto(sessionPath);
  const row = eventOf(ivan).locator('tr[data-username="omar"]');
  assert.match(await row.innerText(), /Booked/);
  assert.equal(await eventOf(ivan).locator('tr[data-username="lena"]').count(), 0, 'a cancelled place is not listed');
  await submit(ivan, () => row.getByRole('button', { name: 'Attended' }).click());
  await ivan.getByText('Attendance was recorded.').waitFor();
  assert.match(await eventOf(ivan).locator('tr[data-username="omar"]').innerText(), /Attended/);

  // The session is complete for Omar, not for Lena.
  await omar.goto(sessionPath);
  await omar.locator('#session-complete').waitFor();
  await lena.goto(sessionPath);
  assert.equal(await lena.locator('#session-complete').count(), 0);
  await expectClean(omar);
});
