// In a browser, from an empty site (people and course made through the pages; only the mail
// settings through the API, as they are another test's subject): a learner starts a thread in
// her course's forum, which follows it; the instructor replies; the learner gets the e-mail in
// the SMTP sink and the bell counts it; the bell's list leads to the reply; she stops following
// and is told of nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, ADMIN_PASSWORD, adminToken } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI, expectClean } from '../lib/browser.mjs';
import { makePersonUI, makeCourseUI, enrolUI } from '../lib/site_pages.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

const PW = 'Cedar-Follow-Window-31';
const CODE = 'FOLLOW-1';
let server, browser, sink, lena, ian;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  const token = await adminToken(server);
  const mail = await api(server, 'PATCH', '/api/v1/settings/mail', {
    token, body: { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.com', site_url: server.url },
  });
  assert.equal(mail.status, 200, show(mail));
  browser = await launchBrowser();
  const admin = await newPage(browser, server);
  await signInUI(admin, 'admin', ADMIN_PASSWORD);
  await makePersonUI(admin, 'lena', 'Lena', 'Learner', PW);
  await makePersonUI(admin, 'ian', 'Ian', 'Instructor', PW);
  await makeCourseUI(admin, CODE, 'Racking safety');
  await enrolUI(admin, CODE, ['lena'], 'learner');
  await enrolUI(admin, CODE, ['ian'], 'instructor');
  lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  ian = await newPage(browser, server);
  await signInUI(ian, 'ian', PW);
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('a learner is told of the reply to her thread by e-mail and by the bell, and can stop following', { timeout: 180000 }, async () => {
  await lena.goto(`/courses/${CODE}/forum`);
  await lena.getByLabel('Title', { exact: true }).fill('Beam clips');
  await lena.getByLabel('Text', { exact: true }).fill('Which clips fit the blue beams?');
  await submit(lena, () => lena.getByRole('button', { name: 'Start the thread' }).click());
  const thread = pathOf(lena);
  assert.match(thread, /^\/threads\/\d+$/);
  await lena.locator('#following-note').waitFor();
  await expectClean(lena);

  await ian.goto(thread);
  await ian.getByLabel('Text', { exact: true }).fill('The grey ones, part 44-B.');
  await submit(ian, () => ian.getByRole('button', { name: 'Post the reply' }).click());

  const mail = await sink.waitFor((m) => m.to.includes('lena@example.com') && /Beam clips/.test(m.subject), { what: "lena's e-mail" });
  assert.match(mail.subject, /^New post: Beam clips/);
  assert.match(mail.text, /Ian Test wrote in "Beam clips"/);
  assert.match(mail.text, /The grey ones, part 44-B\./);
  assert.ok(mail.text.includes(`${server.url}${thread}#post-`), 'a link to the reply');
  assert.equal(sink.messages().filter((m) => m.to.includes('ian@example.com') && /part 44-B/.test(m.text)).length, 0,
    'not to its author');

  // The bell counts it; its list leads to the reply.
  let count = 0;
  for (let i = 0; i < 50 && !count; i++) {
    await lena.goto('/');
    count = await lena.locator('#nav-bell-count').count();
  }
  assert.equal(await lena.locator('#nav-bell-count').innerText(), '1');
  await submit(lena, () => lena.locator('#nav-bell').click());
  await submit(lena, () => lena.getByRole('link', { name: /New post by Ian Test: Beam clips/ }).click());
  assert.equal(pathOf(lena), thread);
  await lena.locator('article', { hasText: 'part 44-B' }).waitFor();

  await submit(lena, () => lena.getByRole('button', { name: 'Stop following' }).click());
  assert.equal(await lena.locator('#following-note').count(), 0);
  await ian.getByLabel('Text', { exact: true }).fill('Or the black ones.');
  await submit(ian, () => ian.getByRole('button', { name: 'Post the reply' }).click());
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(sink.messages().filter((m) => m.to.includes('lena@example.com') && /Beam clips/.test(m.subject)).length, 1,
    'nothing more once she stopped following');
});
