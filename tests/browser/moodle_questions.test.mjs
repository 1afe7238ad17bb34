// In a browser: an instructor brings questions written in Moodle's editor (GIFT as Moodle's
// exporter writes it: [html] on the text, the answers and the feedback, an inline picture, a
// table, Moodle's escapes) through the import page, and a learner taking the quiz sees the
// table, the picture and the formatting, not a blank question or literal tags; text without a
// format tag keeps what was typed (Moodle's auto-format: "2*3*4" keeps its stars). The course,
// its people and the quiz's settings are set up through the API; they are another test's subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, signInUI, accessibilityProblems } from '../lib/browser.mjs';

const PW = 'Amber-Falcon-Ridge-24';
const CODE = 'MOVE-1';
// A 1×1 PNG, as Moodle embeds a pasted picture; GIFT escapes its : and = (Moodle writes \: \=).
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const escaped = (s) => s.replace(/[:=]/g, (c) => `\\${c}`);
const GIFT = `// question: 101  name: Exits
// [id:EXIT-1] [tag:fire]
::Exits::[html]<p>Read the <strong>table</strong> and the plan\\:</p><table><tr><th>Exit</th><th>Floor</th></tr><tr><td>A</td><td>1</td></tr></table><p><img src\\="${escaped(`data:image/png;base64,${PNG}`)}" alt\\="Floor plan" width\\="40" height\\="40"></p><script>alert(1)</script>{
\t=[html]<p>Exit <em>A</em></p>#[html]<p>Yes, <strong>A</strong>.</p>
\t~[html]<p>Exit B</p>#[html]<p>No.</p>
}

// question: 102  name: Stars
::Stars::What is 2*3*4?
1. multiply {#24}
`;

let server;
let browser;
let quizId;
let admin;

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'lena', email: 'lena@example.com', first_name: 'Lena', roles: ['learner'], password: PW });
  await createUser(server, { username: 'ivan', email: 'ivan@example.com', first_name: 'Ivan', roles: ['instructor'], password: PW });
  const call = async (method, path, body) => {
    const r = await api(server, method, path, { token: admin, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${show(r)}`);
    return r.json;
  };
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Moving in', status: 'published' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'lena', role: 'learner' });
  await call('POST', `/api/v1/courses/${CODE}/enrolments`, { username: 'ivan', role: 'instructor' });
  const section = await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Check' });
  quizId = (await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section.id, kind: 'quiz', title: 'Exit quiz' })).activity.id;
  browser = await launchBrowser();
});
after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('questions from Moodle\'s editor are imported on the page and shown to a learner as written', { timeout: 120000 }, async () => {
  const ivan = await newPage(browser, server);
  await signInUI(ivan, 'ivan', PW);
  await ivan.goto(`/courses/${CODE}`);
  await ivan.getByRole('link', { name: 'Manage course' }).click();
  await ivan.getByRole('link', { name: 'Question bank', exact: true }).click();
  await ivan.getByRole('link', { name: 'Import questions' }).click();
  await ivan.getByLabel('Or paste the text').fill(GIFT);
  await submit(ivan, () => ivan.getByRole('button', { name: 'Import', exact: true }).click());
  await ivan.getByText('The questions were imported into the bank.').waitFor();
  for (const title of ['Exits', 'Stars']) await ivan.getByRole('link', { name: title, exact: true }).waitFor();

  // The quiz takes both questions (its settings page is another test's subject).
  const bank = (await api(server, 'GET', `/api/v1/courses/${CODE}/questions?per_page=10`, { token: admin })).json;
  const ids = ['Exits', 'Stars'].map((t) => bank.questions.find((q) => q.title === t).id);
  const put = await api(server, 'PUT', `/api/v1/courses/${CODE}/quizzes/${quizId}`, {
    token: admin, body: { question_ids: ids.join(','), review_answers: 'after_submit', review_feedback: 'after_submit' },
  });
  assert.equal(put.status, 200, show(put));
  const stored = (await api(server, 'GET', `/api/v1/courses/${CODE}/questions/${ids[0]}`, { token: admin })).json.question;
  assert.equal(stored.idnumber, 'EXIT-1');
  assert.deepEqual(stored.tags, ['fire']);

  const lena = await newPage(browser, server);
  await signInUI(lena, 'lena', PW);
  await lena.goto(`/courses/${CODE}/quizzes/${quizId}`);
  await submit(lena, () => lena.getByRole('button', { name: 'Start the quiz' }).click());
  const exits = lena.getByRole('group', { name: /Exits/ });
  const table = exits.getByRole('table');
  assert.deepEqual(await table.getByRole('cell').allInnerTexts(), ['A', '1']);
  assert.deepEqual(await table.getByRole('columnheader').allInnerTexts(), ['Exit', 'Floor']);
  const plan = exits.getByRole('img', { name: 'Floor plan' });
  assert.equal(await plan.evaluate((img) => img.complete && img.naturalWidth), 1, 'the inline picture is drawn');
  assert.equal(await exits.locator('strong', { hasText: 'table' }).count(), 1);
  const text = await exits.innerText();
  assert.doesNotMatch(text, /<p>|<\/|\[html\]|alert/, text);
  await exits.getByLabel('Exit A').check(); // the answer's HTML is its label
  assert.equal(await exits.locator('label em', { hasText: 'A' }).count(), 1);

  const stars = lena.getByRole('group', { name: /Stars/ });
  assert.match(await stars.innerText(), /What is 2\*3\*4\?\s*1\. multiply/);
  assert.equal(await stars.locator('ol, em').count(), 0, 'no list and no emphasis were read into the text');
  await stars.getByRole('textbox').fill('24');
  assert.deepEqual(await accessibilityProblems(lena), []);
  assert.deepEqual(lena.consoleErrors, [], 'no script ran and nothing failed to load');

  // Submitted, the feedback is shown with its formatting.
  lena.once('dialog', (d) => d.accept());
  await submit(lena, () => lena.getByRole('button', { name: 'Submit' }).click());
  assert.match(await lena.locator('#attempt-state').innerText(), /Submitted/);
  const feedback = lena.locator('.quiz-feedback').first();
  await feedback.waitFor();
  assert.equal(await feedback.locator('p strong', { hasText: /^A$/ }).count(), 1, await feedback.innerHTML());
  assert.doesNotMatch(await feedback.innerText(), /<strong>/);
});
