// In a browser: an instructor asks the administrators to enrol two people by a day (first with
// a username nobody has, which the form refuses naming it and keeping the list); the
// administrator finds it in the queue, opens the enrolment preview with the list filled in,
// commits it, and marks the request done; the instructor sees it done and has the email in the
// SMTP sink; a manager asks for a new course, which the administrator creates from the filled-in
// form, and for a class, which the administrator declines with the reason the manager then reads.
// The people, the course and the mail settings are set up through the API: they are other
// tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, poll, ADMIN_PASSWORD } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Amber-Harbour-Quill-58';
let server, sink, browser;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call('PATCH', '/api/v1/settings/mail', { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url });
  for (const [username, role] of [['ivy', 'instructor'], ['mona', 'manager'], ['lena', 'learner'], ['omar', 'learner']])
    await createUser(server, { username, email: `${username}@example.com`, first_name: username[0].toUpperCase() + username.slice(1), last_name: 'Test', roles: [role], password: PW }, admin);
  await call('POST', '/api/v1/courses', { code: 'FIRST-AID', title: 'First aid', status: 'published' });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (sink) await sink.stop();
});

const day = (daysFromNow) => new Date(Date.now() + daysFromNow * 86400000).toISOString().slice(0, 10);

test('an instructor asks for enrolments; the administrator previews, commits and marks it done; the instructor is told', { timeout: 180000 }, async () => {
  const ivy = await newPage(browser, server);
  await signInUI(ivy, 'ivy', PW);
  await submit(ivy, () => mainNav(ivy).getByRole('link', { name: 'Ask the administrators' }).click());
  await expectClean(ivy);
  await submit(ivy, () => ivy.getByRole('link', { name: 'Ask to enrol people' }).click());
  await expectClean(ivy);
  await ivy.getByLabel('Course').selectOption({ label: 'First aid (FIRST-AID)' });
  await ivy.getByLabel('People to enrol').fill('lena\nghost');
  await ivy.getByLabel('Needed by').fill(day(7));
  await submit(ivy, () => ivy.getByRole('button', { name: 'Send the request' }).click());
  await ivy.getByRole('alert').filter({ hasText: 'ghost' }).waitFor();
  assert.equal(await ivy.getByLabel('People to enrol').inputValue(), 'lena\nghost', 'the list is kept');

  await ivy.getByLabel('People to enrol').fill('lena\nomar');
  await ivy.getByLabel('Course').selectOption({ label: 'First aid (FIRST-AID)' });
  await submit(ivy, () => ivy.getByRole('button', { name: 'Send the request' }).click());
  assert.match(pathOf(ivy), /^\/requests\/\d+$/);
  const address = pathOf(ivy);
  await ivy.getByText('Your request was sent to the administrators.').waitFor();
  assert.equal(await ivy.locator('#request-state').innerText(), 'New');
  await expectClean(ivy);

  // The administrator: the queue, the request, the enrolment preview with the list.
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await submit(admin, () => mainNav(admin).getByRole('link', { name: 'Ask the administrators' }).click());
  const queue = admin.getByRole('region', { name: 'Queue, soonest needed first' });
  await expectClean(admin);
  await submit(admin, () => queue.getByRole('link', { name: /Enrolment: First aid/ }).click());
  assert.equal(pathOf(admin), address);
  await expectClean(admin);
  await submit(admin, () => admin.getByRole('button', { name: 'Preview the enrolment' }).click());
  const preview = admin.locator('#upload-preview');
  await preview.getByRole('cell', { name: /lena/ }).waitFor();
  assert.match(await admin.locator('#upload-summary').innerText(), /^2 to enrol/);
  await submit(admin, () => preview.getByRole('button', { name: 'Enrol these people' }).click());
  assert.equal(pathOf(admin), '/courses/FIRST-AID/manage/participants');
  const people = admin.getByRole('region', { name: 'People' });
  await people.getByText('lena').first().waitFor();
  await people.getByText('omar').first().waitFor();

  await admin.goto(server.url + address);
  await submit(admin, () => admin.getByRole('button', { name: 'Mark done' }).click());
  await admin.getByText('The request was updated and its sender told.').waitFor();
  assert.equal(await admin.locator('#request-state').innerText(), 'Done');

  // The instructor sees it done, and was emailed.
  await submit(ivy, () => mainNav(ivy).getByRole('link', { name: 'Ask the administrators' }).click());
  const mine = ivy.getByRole('region', { name: 'Your requests' });
  await mine.getByText('Done').waitFor();
  const mail = await poll(() => sink.messages().find((m) => m.to.includes('ivy@') && /Done/.test(m.subject)), { timeoutMs: 30000, what: 'the email saying it is done' });
  assert.match(mail.text, /Enrol 2 people in FIRST-AID/);
  assert.match(mail.text, new RegExp(`${address}`));
});

test('a manager asks for a new course; the administrator creates it from the filled-in form and declines a class with a reason', { timeout: 180000 }, async () => {
  const mona = await newPage(browser, server);
  await signInUI(mona, 'mona', PW);
  await submit(mona, () => mainNav(mona).getByRole('link', { name: 'Ask the administrators' }).click());
  await submit(mona, () => mona.getByRole('link', { name: 'Ask for a new course' }).click());
  await mona.getByLabel('Title of the course').fill('Forklift safety');
  await mona.getByLabel('Kind of course').selectOption({ label: 'Classroom' });
  await mona.getByLabel('Needed by').fill(day(14));
  await submit(mona, () => mona.getByRole('button', { name: 'Send the request' }).click());
  const courseRequest = pathOf(mona);
  await submit(mona, () => mona.getByRole('link', { name: 'Requests to the administrators' }).click());
  await submit(mona, () => mona.getByRole('link', { name: 'Ask for a class' }).click());
  await mona.getByLabel('Course').selectOption({ label: 'First aid (FIRST-AID)' });
  await mona.getByLabel('Dates you would like').fill('Any Tuesday in March');
  await mona.getByLabel('Seats').fill('12');
  await mona.getByLabel('Needed by').fill(day(3));
  await submit(mona, () => mona.getByRole('button', { name: 'Send the request' }).click());
  await expectClean(mona);

  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await admin.goto(server.url + courseRequest);
  await submit(admin, () => admin.getByRole('link', { name: 'Open the new-course form' }).click());
  assert.equal(await admin.getByLabel('Title', { exact: true }).inputValue(), 'Forklift safety');
  await admin.getByLabel('Code', { exact: true }).fill('FORK-1');
  await submit(admin, () => admin.getByRole('button', { name: 'Create course' }).click());
  assert.match(pathOf(admin), /FORK-1/, 'the course was created');
  await admin.goto(server.url + courseRequest);
  await submit(admin, () => admin.getByRole('button', { name: 'Mark done' }).click());

  // The class request: first in the queue (needed sooner), declined with a reason.
  await submit(admin, () => mainNav(admin).getByRole('link', { name: 'Ask the administrators' }).click());
  const first = admin.getByRole('region', { name: 'Queue, soonest needed first' }).getByRole('link').filter({ hasText: 'Class' }).first();
  await submit(admin, () => first.click());
  await admin.getByText('This course has no classroom session yet').waitFor();
  await admin.getByLabel('Why it is declined').fill('First aid runs as e-learning only this year.');
  await submit(admin, () => admin.getByRole('button', { name: 'Decline' }).click());
  assert.equal(await admin.locator('#request-state').innerText(), 'Declined');
  await expectClean(admin);

  await submit(mona, () => mainNav(mona).getByRole('link', { name: 'Ask the administrators' }).click());
  const mine = mona.getByRole('region', { name: 'Your requests' });
  await mine.getByText('First aid runs as e-learning only this year.').waitFor();
  await mine.getByText('Done').waitFor();
  await poll(() => sink.messages().find((m) => m.to.includes('mona@') && /Declined/.test(m.subject)), { timeoutMs: 30000, what: 'the email saying it was declined' });
});
