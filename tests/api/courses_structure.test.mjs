// Editing a course's structure: rename, reorder (move up / down) and delete sections and
// activities. Deleting keeps learners' history: the rows stay (deleted_at), the content and the
// progress leave them out, and someone who has done every remaining required activity is complete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { page, parseForms, formFields, actionPath, setCookie } from '../lib/html.mjs';

let server;
let admin;
let learner;
const PW = 'Amber-Falcon-Ridge-24';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'lou', email: 'lou@example.com', first_name: 'Lou', last_name: 'Learner', roles: ['learner'], password: PW });
  await createUser(server, { username: 'ed', email: 'ed@example.com', first_name: 'Ed', last_name: 'Editor', roles: ['admin'], password: PW });
  learner = await signIn(server, 'lou', PW);
});
after(async () => { if (server) await server.stop(); });

const post = (p, body, token = admin) => api(server, 'POST', p, { token, body });
const patch = (p, body, token = admin) => api(server, 'PATCH', p, { token, body });
const del = (p, token = admin) => api(server, 'DELETE', p, { token });
const get = (p, token = admin) => api(server, 'GET', p, { token });
const outline = async (token = admin) => (await get('/api/v1/courses/EDIT-1', token)).json.sections.map((s) => [s.title, s.activities.map((a) => a.title)]);

const ids = {};
test('setup: two sections of pages', async () => {
  await post('/api/v1/courses', { code: 'EDIT-1', title: 'Editable', status: 'published' });
  ids.s1 = (await post('/api/v1/courses/EDIT-1/sections', { title: 'One' })).json.id;
  ids.s2 = (await post('/api/v1/courses/EDIT-1/sections', { title: 'Two' })).json.id;
  for (const [s, t] of [[ids.s1, 'A'], [ids.s1, 'B'], [ids.s1, 'C'], [ids.s2, 'D']]) {
    const r = await post('/api/v1/courses/EDIT-1/activities', { section_id: s, kind: 'page', title: t, body: t });
    assert.equal(r.status, 201, show(r));
    ids[t] = r.json.activity.id;
  }
  assert.deepEqual(await outline(), [['One', ['A', 'B', 'C']], ['Two', ['D']]]);
});

test('rename and reorder sections and activities; the ends stay put; bad input refused', async () => {
  let r = await patch(`/api/v1/courses/EDIT-1/sections/${ids.s1}`, { title: 'Week one' });
  assert.equal(r.status, 200, show(r));
  r = await patch(`/api/v1/courses/EDIT-1/activities/${ids.C}`, { title: 'C2', move: 'up' });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await outline(), [['Week one', ['A', 'C2', 'B']], ['Two', ['D']]]);
  await patch(`/api/v1/courses/EDIT-1/activities/${ids.A}`, { move: 'up' }); // already first
  await patch(`/api/v1/courses/EDIT-1/activities/${ids.A}`, { move: 'down' });
  await patch(`/api/v1/courses/EDIT-1/sections/${ids.s2}`, { move: 'up' });
  assert.deepEqual(await outline(), [['Two', ['D']], ['Week one', ['C2', 'A', 'B']]]);
  assert.equal((await patch(`/api/v1/courses/EDIT-1/activities/${ids.A}`, { move: 'sideways' })).status, 422);
  assert.equal((await patch(`/api/v1/courses/EDIT-1/activities/${ids.A}`, { title: '   ' })).status, 422);
  assert.equal((await patch('/api/v1/courses/EDIT-1/activities/999999', { title: 'x' })).status, 404);
  assert.equal((await patch(`/api/v1/courses/EDIT-1/sections/${ids.s1}`, { title: 'x' }, learner)).status, 403);
});

test('deleting an activity keeps the learner\'s history and completes them when the rest is done', async () => {
  await post('/api/v1/courses/EDIT-1/enrolments', { username: 'lou' });
  for (const t of ['C2', 'A', 'B']) {
    const r = await get(`/api/v1/courses/EDIT-1/activities/${ids[t === 'C2' ? 'C' : t]}`, learner);
    assert.equal(r.status, 200, show(r));
  }
  let me = (await get('/api/v1/courses/EDIT-1', learner)).json;
  assert.equal(me.progress.percent, 75);
  assert.equal(me.course.enrolment.completed, false);
  // D (not done) goes: Lou has done everything left, so the course is complete
  let r = await del(`/api/v1/courses/EDIT-1/activities/${ids.D}`);
  assert.equal(r.status, 200, show(r));
  me = (await get('/api/v1/courses/EDIT-1', learner)).json;
  assert.equal(me.progress.percent, 100);
  assert.equal(me.course.enrolment.completed, true);
  assert.equal((await get(`/api/v1/courses/EDIT-1/activities/${ids.D}`, learner)).status, 404);
  // a done activity goes: the completion and the rest of the progress stay
  r = await del(`/api/v1/courses/EDIT-1/activities/${ids.A}`);
  assert.equal(r.status, 200, show(r));
  assert.equal((await del(`/api/v1/courses/EDIT-1/activities/${ids.A}`)).status, 404, 'already deleted');
  const row = (await get('/api/v1/courses/EDIT-1/enrolments')).json.items.find((e) => e.username === 'lou');
  assert.equal(row.completed, true);
  assert.equal(row.percent, 100);
  assert.equal(row.required_done, 2);
  // deleting a section takes its activities out of the content
  r = await del(`/api/v1/courses/EDIT-1/sections/${ids.s2}`);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(await outline(), [['Week one', ['C2', 'B']]]);
  const audit = (await get('/api/v1/audit?limit=500')).json.items.map((x) => x.action);
  for (const a of ['section.update', 'activity.update', 'activity.delete', 'section.delete']) assert.ok(audit.includes(a), a);
  // a copy leaves deleted content behind
  await post('/api/v1/courses/EDIT-1/copy', { new_code: 'EDIT-2' });
  assert.deepEqual((await get('/api/v1/courses/EDIT-2')).json.sections.map((s) => [s.title, s.activities.map((a) => a.title)]),
    [['Week one', ['C2', 'B']]]);
});

test('the content tab edits the structure with plain forms (no JavaScript)', async () => {
  const s = await page(server, 'GET', '/signin');
  const sf = parseForms(s.text).find((f) => f.inputs.some((i) => i.name === 'password'));
  const signin = await page(server, 'POST', actionPath(sf, '/signin'), { form: formFields(sf, { username: 'ed', password: PW }) });
  const cookie = `lectern_session=${setCookie(signin.headers, 'lectern_session').value}`;
  const p = await page(server, 'GET', '/courses/EDIT-1/manage/content', { cookie });
  assert.equal(p.status, 200);
  const forms = parseForms(p.text);
  const move = forms.find((f) => f.action === `/admin/courses/EDIT-1/activities/${ids.B}` && f.inputs.some((i) => i.name === 'move'));
  assert.ok(move, 'a move form for B');
  let r = await page(server, 'POST', move.action, { cookie, form: { ...formFields(move), move: 'up' } });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  assert.deepEqual(await outline(), [['Week one', ['B', 'C2']]]);
  const rename = forms.find((f) => f.action === `/admin/courses/EDIT-1/sections/${ids.s1}` && f.inputs.some((i) => i.name === 'title'));
  r = await page(server, 'POST', rename.action, { cookie, form: formFields(rename, { title: 'Week 1' }) });
  assert.equal(r.status, 303);
  const remove = forms.find((f) => f.action === `/admin/courses/EDIT-1/activities/${ids.C}/delete`);
  r = await page(server, 'POST', remove.action, { cookie, form: formFields(remove) });
  assert.equal(r.status, 303);
  assert.deepEqual(await outline(), [['Week 1', ['B']]]);
});
