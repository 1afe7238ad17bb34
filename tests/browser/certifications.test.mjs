// In a browser, across a year on the test clock: an administrator makes a programme a
// certification valid for 365 days with a renewal window of 30 days on its page, with a short
// refresher as the renewal path, and assigns it to a job role; a learner in that role completes
// it (through the API: course completion is another test's subject) and is certified on My plan;
// eleven months and more later the renewal is open on My plan, the learner has received one
// expiry warning in the SMTP sink (not two after a second scan) and the manager sees it expiring
// on the team plan; past the expiry it shows as expired, with the earlier completion in the
// learner's history. Courses and people are set up through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, adminToken, createUser, signIn, poll, ADMIN_PASSWORD } from '../lib/server.mjs';
import { caller, courseWithPage } from '../lib/courses.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';
import { advanceClock, runRenewalScan, runReminderScan } from '../lib/clock.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

const PW = 'Amber-Falcon-Ridge-24';
let server;
let sink;
let browser;
let page;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  const admin = await adminToken(server);
  const call = caller(server, admin);
  await call('PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.com', site_url: server.url,
  });
  page = await courseWithPage(server, admin, 'ELEC-1', 'Electrical safety');
  await courseWithPage(server, admin, 'ELEC-R', 'Electrical refresher');
  const role = (await call('POST', '/api/v1/job-roles', { name: 'Electrician' })).job_role.id;
  await createUser(server, { username: 'mia', email: 'mia@example.com', first_name: 'Mia', last_name: 'Hale', roles: ['manager'], password: PW }, admin);
  await createUser(server, { username: 'liam', email: 'liam@example.com', first_name: 'Liam', last_name: 'Reed', roles: ['learner'], password: PW }, admin);
  await call('PATCH', '/api/v1/users/liam/profile', { job_role_id: role, manager: 'mia' });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (sink) await sink.stop();
});

const isExpiryWarning = (m) => (m.to || '').includes('liam@example.com') && (m.subject || '').startsWith('Certification expiring');

/** Waits until the outbox has sent everything queued (asked with a fresh token: the clock moved). */
async function outboxEmptied() {
  const token = await signIn(server, 'admin', ADMIN_PASSWORD);
  await poll(async () => (await api(server, 'GET', '/api/v1/mail/outbox?state=queued', { token })).json.items.length === 0,
    { timeoutMs: 20000, intervalMs: 200, what: 'the outbox emptied' });
}

/** A fresh page signed in as username: after the clock moves, earlier sessions may have ended. */
async function signedIn(username, password = PW) {
  const p = await newPage(browser, server);
  await signInUI(p, username, password);
  return p;
}

/** The learner's one item on My plan, reached from the navigation. */
async function planItem(learner) {
  await mainNav(learner).getByRole('link', { name: 'My plan', exact: true }).click();
  await learner.getByRole('heading', { name: 'My plan', level: 1 }).waitFor();
  const item = learner.locator('#plan > li');
  assert.equal(await item.count(), 1);
  return item.innerText();
}

test('a certification built on its page renews after eleven months and expires, keeping the history', { timeout: 240000 }, async () => {
  const admin = await signedIn('admin', ADMIN_PASSWORD);
  await mainNav(admin).getByRole('link', { name: 'Programmes', exact: true }).click();
  await admin.getByLabel('Code', { exact: true }).fill('ELEC');
  await admin.getByLabel('Title', { exact: true }).fill('Electrical certification');
  await submit(admin, () => admin.getByRole('button', { name: 'Add programme' }).click());
  assert.equal(pathOf(admin), '/admin/programmes/ELEC');
  await admin.getByLabel('Electrical safety (ELEC-1)').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Add set' }).click());
  await admin.getByText('The course set was added.').waitFor();
  await admin.getByLabel('Electrical refresher (ELEC-R)').check();
  await admin.getByLabel('Part of the renewal path').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Add set' }).click());
  assert.match(await admin.locator('#sets > li').nth(1).innerText(), /Renewal path[\s\S]*Electrical refresher/);

  // A window as long as the validity is refused at its field, keeping what was typed.
  await admin.getByText('Edit the programme').click();
  await admin.getByLabel('Valid for (days)').fill('365');
  await admin.getByLabel('Renewal opens (days before expiry)').fill('365');
  await submit(admin, () => admin.locator('#programme-save').click());
  assert.match(await admin.locator('#error-summary').innerText(), /less than the validity/);
  assert.equal(await admin.getByLabel('Valid for (days)').inputValue(), '365');
  await admin.getByLabel('Renewal opens (days before expiry)').fill('30');
  await submit(admin, () => admin.locator('#programme-save').click());
  await admin.getByText('The programme was saved.').waitFor();
  assert.match(await admin.locator('main p.text-muted').first().innerText(), /Certification: 365 days/);

  await admin.getByLabel('Assign to').selectOption({ label: 'A job role' });
  await admin.getByLabel('Job role', { exact: true }).selectOption({ label: 'Electrician' });
  await submit(admin, () => admin.getByRole('button', { name: 'Assign', exact: true }).click());
  await admin.getByText('The programme was assigned.').waitFor();
  await expectClean(admin);

  // Liam completes the course and is certified until a year later.
  const token = await signIn(server, 'liam', PW);
  assert.equal((await api(server, 'GET', `/api/v1/courses/ELEC-1/activities/${page}`, { token })).status, 200);
  let learner = await signedIn('liam');
  assert.match(await planItem(learner), /Electrical certification[\s\S]*Certified[\s\S]*expires/);
  await expectClean(learner);

  // Eleven months and more on: the renewal is open, on the refresher.
  await advanceClock(server, '340d');
  await runRenewalScan(server);
  learner = await signedIn('liam');
  assert.match(await planItem(learner), /Renewal open[\s\S]*expires[\s\S]*Next: Electrical refresher/);
  // 25 days before the expiry: one warning (the 30-day one), and a second scan sends nothing.
  await runReminderScan(server);
  const warning = await sink.waitFor(isExpiryWarning, { what: 'the expiry warning to liam' });
  assert.match(warning.text, /Electrical certification \(ELEC\)[\s\S]*Expires: \d{4}-\d{2}-\d{2}[\s\S]*\/plan/);
  await runReminderScan(server);
  await outboxEmptied();
  assert.equal(sink.messages().filter(isExpiryWarning).length, 1);
  const manager = await signedIn('mia');
  await manager.goto(`${server.url}/team/plan`);
  const row = manager.locator('#team-plan tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /Liam Reed[\s\S]*Electrical certification[\s\S]*Renewal open[\s\S]*Expiring/);
  await expectClean(manager);

  // Past the expiry: expired, and the earlier completion is still in Liam's history.
  await advanceClock(server, '30d');
  learner = await signedIn('liam');
  assert.match(await planItem(learner), /Expired/);
  const history = learner.locator('#plan-history tbody tr');
  assert.equal(await history.count(), 1);
  assert.match(await history.innerText(), /Electrical certification[\s\S]*No quiz/);
  await expectClean(learner);
  const again = await signedIn('mia');
  await again.goto(`${server.url}/team/plan`);
  assert.match(await again.locator('#team-plan tbody tr').innerText(), /Liam Reed[\s\S]*Expired/);
});
