// In a browser: an administrator adds a room on the rooms page; the course's instructor adds a
// session activity; the administrator sets it to need the line manager's approval and adds an
// event with one seat in that room, trained by the instructor, through the pages; two learners
// ask to book; their manager approves both on the approvals page (the first is booked, the
// second joins the waitlist); the first cancels and the second is booked in their place and
// mailed an invitation (read from an SMTP sink and parsed with ical.js); the trainer marks
// everyone attended and the course is complete for the second. The people, their
// manager and the course are set up through the API: they are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, accessibilityProblems } from '../lib/browser.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { invitationOf, firstEvent } from '../lib/ical.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'FIRE-7';
let server;
let browser;
let sink;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  const admin = await adminToken(server);
  for (const [username, role] of [['ivan', 'instructor'], ['mona', 'manager'], ['lena', 'learner'], ['omar', 'learner']])
    await createUser(server, { username, email: `${username}@example.com`, first_name: username[0].toUpperCase() + username.slice(1), roles: [role], password: PW }, admin);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  for (const username of ['lena', 'omar']) await call('PATCH', `/api/v1/users/${username}/profile`, { manager: 'mona' });
  await call('PATCH', '/api/v1/settings/mail', { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url });
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Fire warden training', status: 'published' });
  for (const [username, role] of [['ivan', 'instructor'], ['lena', 'learner'], ['omar', 'learner']])
    await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username, role });
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

/** The event's section on the session page. */
const eventOf = (page) => page.getByRole('region', { name: /Evening drill/ });

test('a room, an event with one seat and manager approval, a waitlist that moves up, and attendance that completes', { timeout: 180000 }, async () => {
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

  // The instructor adds a session activity.
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

  // The administrator asks for the line manager's approval, then adds an event with one seat.
  await admin.goto(sessionPath);
  await admin.getByLabel('Reminders before each event').fill('every day');
  await submit(admin, () => admin.getByRole('button', { name: 'Save settings' }).click());
  await admin.getByRole('alert').getByText(/Write reminders as times before the start/).waitFor();
  await admin.getByLabel('Reminders before each event').fill('1d, 2h');
  await admin.getByLabel("Bookings need the line manager's approval").check();
  await submit(admin, () => admin.getByRole('button', { name: 'Save settings' }).click());
  await admin.getByText("The session's settings were saved.").waitFor();
  assert.equal(await admin.getByLabel("Bookings need the line manager's approval").isChecked(), true);
  await submit(admin, () => admin.getByRole('link', { name: 'New event' }).click());
  await admin.getByRole('heading', { name: 'New event: Evacuation drill' }).waitFor();
  await admin.getByLabel('Title', { exact: true }).fill('Evening drill');
  await admin.getByLabel('Time zone').fill('Europe/London');
  await admin.getByLabel('Starts', { exact: true }).fill('2031-03-04T18:00');
  await admin.getByLabel('Ends', { exact: true }).fill('2031-03-04T19:30');
  await admin.getByLabel('Room', { exact: true }).selectOption({ label: 'Training room 2 (Head office)' });
  await admin.getByLabel('Seats', { exact: true }).fill('1');
  await admin.locator('#trainer-ivan').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Add event' }).click());
  await admin.getByText('The event was added.').waitFor();
  assert.match(await eventOf(admin).innerText(), /Training room 2/);
  await expectClean(admin);

  // Lena and Omar ask to book the one seat; neither takes it yet.
  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.goto(sessionPath);
  await lena.locator('#needs-approval').waitFor();
  assert.match(await eventOf(lena).locator('.free-seats').innerText(), /^1$/);
  await submit(lena, () => eventOf(lena).getByRole('button', { name: 'Book' }).click());
  await lena.getByText("Your booking awaits your line manager's approval.").first().waitFor();
  await expectClean(lena);

  const omar = await newPage(browser, server);
  await signInUI(omar, 'omar', PW);
  await omar.goto(sessionPath);
  assert.match(await eventOf(omar).locator('.free-seats').innerText(), /^1$/);
  await submit(omar, () => eventOf(omar).getByRole('button', { name: 'Book' }).click());
  await omar.getByText("Your booking awaits your line manager's approval.").first().waitFor();

  // Their manager approves both on the approvals page: Lena has the seat, Omar waits.
  const mona = await newPage(browser, server);
  await signInUI(mona, 'mona', PW);
  await mainNav(mona).getByRole('link', { name: 'Approvals', exact: true }).click();
  const request = (who) => mona.locator(`section.approval[data-username="${who}"]`);
  await request('lena').waitFor();
  assert.match(await request('lena').innerText(), /Evening drill/);
  await expectClean(mona);
  await submit(mona, () => request('lena').getByRole('button', { name: 'Approve' }).click());
  await mona.getByText('Approved: the person is booked.').waitFor();
  await submit(mona, () => request('omar').getByRole('button', { name: 'Approve' }).click());
  await mona.getByText('Approved: the event is full, so the person is on its waitlist.').waitFor();
  await mona.locator('#no-approvals').waitFor();
  await lena.goto(sessionPath);
  await lena.getByText('You are booked on this event.').waitFor();
  await omar.goto(sessionPath);
  await omar.getByText('You are on the waitlist for this event.').waitFor();

  // Lena cancels: Omar is booked in her place.
  await lena.goto(sessionPath);
  await submit(lena, () => eventOf(lena).getByRole('button', { name: 'Cancel my place' }).click());
  await lena.getByText('The booking was cancelled.').waitFor();
  await omar.goto(sessionPath);
  await omar.getByText('You are booked on this event.').waitFor();

  // Omar's message carries the invitation: a REQUEST for 18:00 London time (UTC in winter),
  // read with an independent parser.
  const booked = await sink.waitFor((m) => m.to.includes('omar@example.com') && m.subject.startsWith('You are booked'), { what: "Omar's booking message" });
  const { type, cal } = invitationOf(booked);
  assert.match(type, /method=REQUEST/i);
  assert.equal(cal.getFirstPropertyValue('method'), 'REQUEST');
  const vevent = firstEvent(cal);
  assert.equal(vevent.summary, 'Evening drill');
  assert.equal(vevent.startDate.toJSDate().toISOString(), '2031-03-04T18:00:00.000Z');
  assert.match(String(vevent.location), /Training room 2/);

  // The trainer sees Omar booked and marks everyone attended.
  await ivan.goto(sessionPath);
  const row = eventOf(ivan).locator('tr[data-username="omar"]');
  assert.match(await row.innerText(), /Booked/);
  assert.equal(await eventOf(ivan).locator('tr[data-username="lena"]').count(), 0, 'a cancelled place is not listed');
  await submit(ivan, () => eventOf(ivan).getByRole('button', { name: 'All attended' }).click());
  await ivan.getByText('Everyone booked and not yet marked is now marked as attended.').waitFor();
  assert.match(await eventOf(ivan).locator('tr[data-username="omar"]').innerText(), /Attended/);
  await expectClean(ivan);

  // The session, and with it the course, is complete for Omar, not for Lena.
  await omar.goto(sessionPath);
  await omar.locator('#session-complete').waitFor();
  await omar.goto(`/courses/${CODE}`);
  assert.match(await omar.locator('#progress-text').innerText(), /Course complete/);
  await lena.goto(sessionPath);
  assert.equal(await lena.locator('#session-complete').count(), 0);
  await expectClean(omar);
});
