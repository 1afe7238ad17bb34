// The quiz settings page's question picker without JavaScript: the ticked rows, in the page's
// order, become the quiz's questions with the points typed in their rows; nothing ticked
// empties the list. The page names questions by their names, never by ids.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { page, parseForms, setCookie } from '../lib/html.mjs';

let server;
let admin;
let cookie;
let quizId;
const ids = {};
const CODE = 'PICK-1';
const PW = 'Amber-Falcon-Ridge-24';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'ed', email: 'ed@example.com', first_name: 'Ed', last_name: 'Editor', roles: ['admin'], password: PW });
});
after(async () => { if (server) await server.stop(); });

const call = async (method, path, body) => {
  const r = await api(server, method, path, { token: admin, body });
  assert.ok(r.status < 300, show(r));
  return r.json;
};

test('setup: a bank of three questions and a quiz; a signed-in page session', async () => {
  await call('POST', '/api/v1/courses', { code: CODE, title: 'Picker', status: 'published' });
  await call('POST', `/api/v1/courses/${CODE}/questions/import`, { data: '::Alpha:: A? {T}\n\n::Bravo:: B? {F}\n\n::Charlie:: C? {=c ~d}\n' });
  for (const q of (await call('GET', `/api/v1/courses/${CODE}/questions`)).questions) ids[q.title] = q.id;
  const section = await call('POST', `/api/v1/courses/${CODE}/sections`, { title: 'Quiz' });
  quizId = (await call('POST', `/api/v1/courses/${CODE}/activities`, { section_id: section.id, kind: 'quiz', title: 'Pick quiz' })).activity.id;
  const signinPage = await page(server, 'GET', '/signin');
  const form = parseForms(signinPage.text).find((f) => f.inputs.some((i) => i.name === 'password'));
  const csrf = form.inputs.find((i) => i.name === '_csrf');
  const r = await page(server, 'POST', '/signin', { form: { ...(csrf ? { _csrf: csrf.value } : {}), username: 'ed', password: PW } });
  cookie = `lectern_session=${setCookie(r.headers, 'lectern_session').value}`;
});

/** Sends the settings form as a browser without scripts would, with the given rows ticked and
 *  points typed (by question name). */
async function saveWith(ticked, points = {}) {
  const settings = await page(server, 'GET', `/courses/${CODE}/quizzes/${quizId}/settings`, { cookie });
  assert.equal(settings.status, 200);
  for (const id of Object.values(ids)) assert.doesNotMatch(settings.text, new RegExp(`(?<!&)#${id}\\b`), 'no question ids on the page');
  const form = parseForms(settings.text).find((f) => f.attrs.id === 'quiz-settings');
  const byId = Object.fromEntries(Object.entries(ids).map(([name, id]) => [String(id), name]));
  const pairs = [];
  let row = null;
  for (const i of form.inputs) {
    if (!i.name || i.tag === 'button') continue;
    if (i.name === 'pick_ids') row = byId[i.value];
    if (i.name === 'question_ids') { if (ticked.includes(row)) pairs.push([i.name, i.value]); continue; }
    if (i.name === 'pick_points') { pairs.push([i.name, points[row] ?? i.value]); continue; }
    if (i.type === 'checkbox' && !('checked' in i.attrs)) continue;
    pairs.push([i.name, i.value]);
  }
  const r = await page(server, 'POST', `/courses/${CODE}/quizzes/${quizId}/settings`, { cookie, form: pairs });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const quiz = (await call('GET', `/api/v1/courses/${CODE}/quizzes/${quizId}`)).quiz;
  return quiz.question_list.map((q) => [q.title, q.points]);
}

test('the ticked rows in the page order, with their points', async () => {
  // The bank lists the newest first: Charlie, Bravo, Alpha.
  assert.deepEqual(await saveWith(['Alpha', 'Charlie'], { Alpha: '3' }), [['Charlie', 1], ['Alpha', 3]]);
  // The quiz's questions now come first, in its order and with their points.
  assert.deepEqual(await saveWith(['Charlie', 'Alpha', 'Bravo'], { Bravo: '2.5' }), [['Charlie', 1], ['Alpha', 3], ['Bravo', 2.5]]);
});

test('nothing ticked leaves no fixed questions', async () => {
  assert.deepEqual(await saveWith([]), []);
});
