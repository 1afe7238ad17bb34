// In a browser: an administrator opens a course's management pages, sets its certificate
// template on the Certificate tab (first with a placeholder the form refuses at the field,
// keeping what was typed, then a logo that is no PNG) and previews it; a learner completes the course, downloads her
// certificate from My record (a PDF carrying her name in Greek and the code) and follows its
// code to /verify, which says it is valid; the administrator revokes it from the course's list
// of certificates and /verify says it is not valid; the administrator reissues it from her
// training record and the new code verifies. A programme's template is set from the
// programme's page. The course, the programme and the learner are set up through the API: they
// are other tests' subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, api, show, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, mainNav, expectClean } from '../lib/browser.mjs';

const PW = 'Copper-Lantern-Field-31';
// A 1×1 PNG, the smallest logo there is.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
let server;
let browser;

before(async () => {
  server = await startServer();
  const admin = await adminToken(server);
  const call = async (token, method, path, body) => {
    const r = await api(server, method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call(admin, 'POST', '/api/v1/courses', { code: 'LIFT-1', title: 'Safe lifting', status: 'published' });
  const section = (await call(admin, 'POST', '/api/v1/courses/LIFT-1/sections', { title: 'Part one' })).id;
  await call(admin, 'POST', '/api/v1/courses/LIFT-1/activities', { section_id: section, kind: 'page', title: 'Read me', body: 'Bend your knees.' });
  await call(admin, 'POST', '/api/v1/programmes', { code: 'HEIGHTS', title: 'Working at height', sets: [{ courses: ['LIFT-1'], require: 'all' }] });
  await createUser(server, { username: 'zoe', first_name: 'Ζωή', last_name: 'Παπαδάκη', roles: ['learner'], password: PW }, admin);
  await call(admin, 'POST', '/api/v1/courses/LIFT-1/enrolments', { username: 'zoe', role: 'learner' });
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('an administrator sets a certificate; the learner downloads hers and it verifies until revoked', { timeout: 180000 }, async () => {
  const root = await newPage(browser, server);
  await signInUI(root, 'admin', ADMIN_PASSWORD);
  await root.goto(`${server.url}/courses/LIFT-1`);
  await submit(root, () => root.getByRole('link', { name: 'Manage course', exact: true }).click());
  await submit(root, () => root.getByRole('link', { name: 'Certificate', exact: true }).click());
  assert.equal(pathOf(root), '/courses/LIFT-1/certificate');
  await root.getByText('No certificate is issued yet').waitFor();
  await expectClean(root);

  await root.getByLabel('Portrait').check();
  await root.getByLabel('Title').fill('Certificate: {{course}}');
  await root.getByLabel('Text', { exact: true }).fill('{{name}} completed {{course}} on {{date}}, as {{username}}.');
  await root.getByLabel('Valid for (days)').fill('365');
  await submit(root, () => root.getByRole('button', { name: 'Save template' }).click());
  await root.locator('#body-error', { hasText: 'Use only the placeholders' }).waitFor();
  assert.equal(await root.getByLabel('Title').inputValue(), 'Certificate: {{course}}', 'what was typed is kept');
  assert.equal(await root.getByLabel('Valid for (days)').inputValue(), '365');
  await root.getByLabel('Text', { exact: true }).fill('{{name}} completed {{course}} on {{date}}. Code {{code}}.');
  await root.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
  await submit(root, () => root.getByRole('button', { name: 'Save template' }).click());
  await root.locator('#logo-error', { hasText: 'The logo must be a PNG image.' }).waitFor();
  assert.match(await root.getByLabel('Text', { exact: true }).inputValue(), /Code \{\{code\}\}/, 'the text is kept');
  await root.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
  await submit(root, () => root.getByRole('button', { name: 'Save template' }).click());
  await root.getByText('Certificate template saved.').waitFor();
  assert.equal(await root.getByLabel('Remove the logo').count(), 1, 'a logo is kept');
  assert.equal(await root.getByLabel('Portrait').isChecked(), true);
  const preview = await root.request.get(await root.getByRole('link', { name: 'Preview PDF' }).getAttribute('href'));
  assert.equal(preview.status(), 200);
  assert.equal(preview.headers()['content-type'], 'application/pdf');
  assert.match(execFileSync('pdftotext', ['-', '-'], { input: await preview.body() }).toString(), /Safe lifting/);
  await expectClean(root);

  const zoe = await newPage(browser, server);
  await signInUI(zoe, 'zoe', PW);
  await zoe.goto(`${server.url}/courses/LIFT-1`);
  await submit(zoe, () => zoe.getByRole('link', { name: 'Read me' }).first().click());
  await submit(zoe, () => mainNav(zoe).getByRole('link', { name: 'My record' }).click());
  const row = zoe.locator('#record-certificates tbody tr', { hasText: 'Safe lifting' });
  assert.match(await row.innerText(), /Valid/);
  assert.equal(await row.getByRole('button', { name: 'Revoke' }).count(), 0, 'not hers to revoke');
  await expectClean(zoe);
  const [download] = await Promise.all([zoe.waitForEvent('download'), row.getByRole('link', { name: 'Download PDF' }).click()]);
  const text = execFileSync('pdftotext', ['-', '-'], { input: readFileSync(await download.path()) }).toString();
  const code = (await row.locator('code').innerText()).trim();
  assert.ok(text.includes('Ζωή Παπαδάκη'), `her name in the PDF: ${text}`);
  assert.ok(text.includes(code), 'the code in the PDF');

  await submit(zoe, () => row.getByRole('link', { name: code }).click());
  assert.equal(pathOf(zoe), `/verify/${code}`);
  await zoe.getByText('This certificate is valid.').waitFor();
  assert.match(await zoe.locator('#verification').innerText(), /Ζωή Παπαδάκη[\s\S]*Safe lifting/);
  await expectClean(zoe);

  await root.reload();
  const issued = root.locator('#course-certificates tbody tr', { hasText: code });
  await issued.getByLabel('Why it is revoked').fill('Issued in error');
  await submit(root, () => issued.getByRole('button', { name: 'Revoke' }).click());
  await root.getByText('Certificate revoked.').waitFor();
  assert.match(await root.locator('#course-certificates tbody tr', { hasText: code }).innerText(), /Revoked/);

  await zoe.reload();
  await zoe.getByText('This certificate is not valid: the code is unknown or the certificate was revoked.').waitFor();
  assert.doesNotMatch(await zoe.locator('main').innerText(), /Ζωή/, 'nothing about the person once revoked');

  // The administrator reissues it from her training record: a new code that verifies.
  await root.goto(`${server.url}/admin/users/zoe`);
  await submit(root, () => root.getByRole('link', { name: 'Training record' }).click());
  assert.equal(pathOf(root), '/users/zoe/record');
  await submit(root, () => root.locator('#record-certificates tbody tr', { hasText: code }).getByRole('button', { name: 'Reissue' }).click());
  await root.getByText('Certificate reissued with a new code.').waitFor();
  assert.equal(pathOf(root), '/users/zoe/record');
  const fresh = root.locator('#record-certificates tbody tr', { hasText: 'Valid' });
  const freshCode = (await fresh.locator('code').innerText()).trim();
  assert.notEqual(freshCode, code);
  await expectClean(root);
  await submit(root, () => fresh.getByRole('link', { name: freshCode }).click());
  await root.getByText('This certificate is valid.').waitFor();
});

test("an administrator sets a programme's certificate from the programme's page", { timeout: 120000 }, async () => {
  const root = await newPage(browser, server);
  await signInUI(root, 'admin', ADMIN_PASSWORD);
  await root.goto(`${server.url}/admin/programmes`);
  await submit(root, () => root.getByRole('link', { name: 'Working at height' }).click());
  await submit(root, () => root.getByRole('link', { name: 'Certificate', exact: true }).click());
  assert.equal(pathOf(root), '/admin/programmes/HEIGHTS/certificate');
  assert.equal(await root.getByLabel('Valid for (days)').count(), 0, 'a programme expires with its certification');
  await root.getByLabel('Title').fill('Certified: {{course}}');
  await submit(root, () => root.getByRole('button', { name: 'Save template' }).click());
  await root.getByText('Certificate template saved.').waitFor();
  assert.equal(await root.getByLabel('Title').inputValue(), 'Certified: {{course}}');
  const preview = await root.request.get(await root.getByRole('link', { name: 'Preview PDF' }).getAttribute('href'));
  assert.match(execFileSync('pdftotext', ['-', '-'], { input: await preview.body() }).toString(), /Certified: Working at height/);
  await expectClean(root);
});
