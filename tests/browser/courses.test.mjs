// In a browser: an administrator creates a category and a course with a policy, a page and a
// PDF, and enrols a learner; the learner signs in, acknowledges the policy, opens both
// activities and sees the course complete at 100%. Every new page passes the axe check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ADMIN_PASSWORD, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, accessibilityProblems } from '../lib/browser.mjs';

let server;
let browser;
const PW = 'Amber-Falcon-Ridge-24';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
before(async () => {
  server = await startServer();
  await adminToken(server);
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', last_name: 'Learner', roles: ['learner'], password: PW });
  await createUser(server, { username: 'omar', email: 'omar@example.com', first_name: 'Omar', last_name: 'Other', roles: ['learner'], password: PW });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function expectAccessible(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}

test('an administrator builds a course and enrols a learner, who completes it', { timeout: 180000 }, async () => {
  const admin = await newPage(browser, server);
  await admin.goto('/signin');
  await signInUI(admin, 'admin', ADMIN_PASSWORD);

  // A category.
  await admin.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Courses', exact: true }).click();
  await admin.waitForURL('**/courses');
  await expectAccessible(admin);
  await admin.getByRole('link', { name: 'Course categories' }).click();
  await admin.waitForURL('**/admin/categories');
  await admin.getByLabel('Name', { exact: true }).fill('Health and safety');
  await submit(admin, () => admin.getByRole('button', { name: 'Add' }).click());
  await admin.getByRole('listitem').filter({ hasText: 'Health and safety' }).waitFor();
  await expectAccessible(admin);

  // A course with a policy.
  await admin.goto('/admin/courses/new');
  await expectAccessible(admin);
  await admin.getByLabel('Code', { exact: true }).fill('FIRE-101');
  await admin.getByLabel('Title', { exact: true }).fill('Fire safety');
  await admin.getByLabel('Summary', { exact: true }).fill('Know your **exits**.');
  await admin.getByLabel('Category', { exact: true }).selectOption({ label: 'Health and safety' });
  await admin.getByLabel('Status', { exact: true }).selectOption('published');
  await admin.getByLabel('Course policy', { exact: true }).fill('I will not use the lift in a fire.');
  await submit(admin, () => admin.getByRole('button', { name: 'Create course' }).click());
  assert.equal(pathOf(admin), '/courses/FIRE-101/manage');
  await admin.getByRole('heading', { name: /Fire safety/ }).waitFor();
  await expectAccessible(admin);

  // A section with a page and a PDF, on the content tab.
  await admin.getByRole('link', { name: 'Content', exact: true }).click();
  await admin.waitForURL('**/courses/FIRE-101/manage/content');
  await admin.getByLabel('Section title').fill('Before you start');
  await submit(admin, () => admin.getByRole('button', { name: 'Add section' }).click());
  await admin.getByLabel('Kind of activity').selectOption('page');
  await admin.locator('#act-title').fill('Evacuation routes');
  await admin.getByLabel('Page text or description (Markdown)').fill('Use the **stairs**.');
  await submit(admin, () => admin.getByRole('button', { name: 'Add activity' }).click());
  await admin.getByLabel('Kind of activity').selectOption('file');
  await admin.locator('#act-title').fill('Fire handbook');
  await admin.getByLabel('File (for a file: PDF, video, document)').setInputFiles({ name: 'handbook.pdf', mimeType: 'application/pdf', buffer: PDF });
  await submit(admin, () => admin.getByRole('button', { name: 'Add activity' }).click());
  await admin.getByRole('link', { name: 'Evacuation routes' }).waitFor();
  await admin.getByRole('link', { name: 'Fire handbook' }).waitFor();

  // Enrol the learner with a due date, on the participants tab.
  await admin.getByRole('link', { name: 'Participants', exact: true }).click();
  await admin.waitForURL('**/courses/FIRE-101/manage/participants');
  await admin.getByLabel('Usernames', { exact: true }).fill('lena');
  await admin.getByLabel('Due', { exact: true }).fill('2030-01-31');
  await submit(admin, () => admin.getByRole('button', { name: 'Enrol', exact: true }).click());
  await admin.getByRole('cell', { name: /lena/ }).waitFor();
  await expectAccessible(admin);

  // The learner.
  const lena = await newPage(browser, server);
  await lena.goto('/signin');
  await signInUI(lena, 'lena', PW);
  await lena.getByRole('heading', { name: 'My training' }).waitFor();
  await lena.getByRole('link', { name: 'Fire safety' }).first().waitFor();
  await expectAccessible(lena);
  await lena.getByRole('link', { name: 'Fire safety' }).first().click();
  await lena.waitForURL('**/courses/FIRE-101');
  await lena.getByText('I will not use the lift in a fire.').waitFor();
  await expectAccessible(lena);
  await submit(lena, () => lena.getByRole('button', { name: 'I have read and accept the policy' }).click());
  assert.equal(await lena.getByRole('button', { name: 'I have read and accept the policy' }).count(), 0);
  assert.match(await lena.locator('#progress-text').innerText(), /0%/);

  // The page.
  await lena.getByRole('link', { name: 'Evacuation routes', exact: true }).click();
  await lena.waitForURL(/\/courses\/FIRE-101\/activities\/\d+$/);
  await lena.getByText('stairs').waitFor();
  await expectAccessible(lena);
  await lena.getByRole('link', { name: 'Back to the course' }).click();
  await lena.waitForURL('**/courses/FIRE-101');
  assert.match(await lena.locator('#progress-text').innerText(), /50%/);
  await lena.getByText('You left off at').waitFor();

  // The PDF: its page, then the file itself (fetched with the learner's session).
  await lena.getByRole('link', { name: 'Fire handbook', exact: true }).click();
  await lena.waitForURL(/\/courses\/FIRE-101\/activities\/\d+$/);
  const href = await lena.locator('#open-file').getAttribute('href');
  const file = await lena.request.get(href);
  assert.equal(file.status(), 200);
  assert.equal(file.headers()['content-type'], 'application/pdf');
  assert.ok((await file.body()).equals(PDF));
  await lena.goto('/courses/FIRE-101');
  assert.match(await lena.locator('#progress-text').innerText(), /100%/);
  await lena.getByText('Course complete').waitFor();
  assert.equal(await lena.locator('#course-progress').getAttribute('value'), '100');
  await expectAccessible(lena);

  // The dashboard lists it as recently completed.
  await lena.goto('/');
  await lena.getByRole('heading', { name: 'Recently completed' }).waitFor();
  await expectAccessible(lena);
});

test('search people and enrol the selected; the requests and upload pages', { timeout: 120000 }, async () => {
  const admin = await newPage(browser, server);
  await admin.goto('/signin');
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await admin.goto('/courses/FIRE-101/manage/participants');
  await admin.getByRole('link', { name: 'Search people and enrol' }).click();
  await admin.waitForURL('**/courses/FIRE-101/enrol');
  await admin.getByLabel('Search people by name, username or email').fill('o');
  await submit(admin, () => admin.getByRole('button', { name: 'Search', exact: true }).click());
  await expectAccessible(admin);
  await admin.getByLabel('Select omar').check();
  await submit(admin, () => admin.getByRole('button', { name: 'Enrol selected' }).click());
  assert.equal(pathOf(admin), '/courses/FIRE-101/manage/participants');
  await admin.getByRole('cell', { name: /omar/ }).waitFor();
  await admin.goto('/enrolment-requests');
  await admin.getByRole('heading', { name: 'Enrolment requests' }).waitFor();
  await expectAccessible(admin);
  await admin.goto('/admin/courses/import');
  await admin.getByRole('heading', { name: 'Upload courses' }).waitFor();
  await expectAccessible(admin);
});
