// Manual enrolment by "search people, select many": the course's enrolment page searches the
// people the current user may see (administrators everyone, others their reporting line),
// paginated, with a checkbox each; "Enrol selected" posts the ticked ones with a role and a due
// date, all or nothing, without JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { page, parseForms, formFields, actionPath, setCookie } from '../lib/html.mjs';

let server;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
const people = Array.from({ length: 12 }, (_, i) => `pp${String(i + 1).padStart(2, '0')}`);
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const u of people) {
    await createUser(server, { username: u, email: `${u}@example.com`, first_name: `Pat${u}`, last_name: 'Picker', roles: ['learner'], password: PW });
  }
  await createUser(server, { username: 'teach', email: 'teach@example.com', first_name: 'Tea', last_name: 'Cher', roles: ['instructor'], password: PW });
  await createUser(server, { username: 'chief', email: 'chief@example.com', first_name: 'Chief', last_name: 'Admin', roles: ['admin'], password: PW });
  for (const u of ['pp01', 'pp02']) await api(server, 'PATCH', `/api/v1/users/${u}/profile`, { token: admin, body: { manager: 'teach' } });
  await api(server, 'POST', '/api/v1/courses', { token: admin, body: { code: 'PICK-1', title: 'Picking course', status: 'published', start_date: '2026-01-01' } });
});
after(async () => { if (server) await server.stop(); });

const get = (p, token = admin) => api(server, 'GET', p, { token });

async function htmlSession(username) {
  const s = await page(server, 'GET', '/signin');
  const form = parseForms(s.text).find((f) => f.inputs.some((i) => i.name === 'password'));
  const r = await page(server, 'POST', actionPath(form, '/signin'), { form: formFields(form, { username, password: PW }) });
  assert.equal(r.status, 303, r.text.slice(0, 300));
  return `lectern_session=${setCookie(r.headers, 'lectern_session').value}`;
}

test('the search is server-side and paginated', async () => {
  let r = await get('/api/v1/courses/PICK-1/candidates?q=patpp&per_page=5');
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.total, 12);
  assert.equal(r.json.items.length, 5);
  assert.ok(r.json.next, 'a next page');
  assert.equal(r.json.items[0].enrolled, false);
  r = await get('/api/v1/courses/PICK-1/candidates?q=patpp&per_page=5&page=3');
  assert.equal(r.json.items.length, 2);
  r = await get('/api/v1/courses/PICK-1/candidates?q=pp07');
  assert.deepEqual(r.json.items.map((u) => u.username), ['pp07']);
});

let cookie;
test('"Enrol selected" enrols the ticked people with a role and a due date (no JavaScript)', async () => {
  cookie = await htmlSession('chief');
  const p = await page(server, 'GET', '/courses/PICK-1/enrol?q=patpp', { cookie });
  assert.equal(p.status, 200, p.text.slice(0, 300));
  const form = parseForms(p.text).find((f) => f.inputs.some((i) => i.name === 'pick'));
  assert.ok(form, 'a form with checkboxes');
  assert.equal(form.inputs.filter((i) => i.name === 'pick').length, 12);
  const fields = Object.entries(formFields(form, { role: 'learner', due: '2026-12-31' }));
  for (const u of ['pp03', 'pp04', 'pp05']) fields.push(['pick', u]);
  let r = await page(server, 'POST', actionPath(form, '/courses/PICK-1/enrol'), { cookie, form: fields });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const items = (await get('/api/v1/courses/PICK-1/enrolments')).json.items;
  assert.deepEqual(items.map((e) => e.username).sort(), ['pp03', 'pp04', 'pp05']);
  assert.ok(items.every((e) => e.due === '2026-12-31' && e.role === 'learner'));
  // enrolled people show as such, without a checkbox
  const again = await page(server, 'GET', '/courses/PICK-1/enrol?q=patpp', { cookie });
  assert.ok(!/name="pick" value="pp03"/.test(again.text));
  r = await get('/api/v1/courses/PICK-1/candidates?q=pp03');
  assert.equal(r.json.items[0].enrolled, true);
});

test('all or nothing: one already enrolled or a bad due date and nobody is enrolled', async () => {
  let r = await api(server, 'POST', '/api/v1/courses/PICK-1/enrolments', { token: admin, body: { pick: 'pp06,pp03', role: 'learner' } });
  assert.equal(r.status, 409, show(r));
  r = await api(server, 'POST', '/api/v1/courses/PICK-1/enrolments', { token: admin, body: { pick: 'pp06,pp07', due: '2025-01-01' } });
  assert.equal(r.status, 422, show(r));
  const names = (await get('/api/v1/courses/PICK-1/enrolments')).json.items.map((e) => e.username);
  assert.ok(!names.includes('pp06') && !names.includes('pp07'), names.join());
});

test("an instructor searches only the people they may see; a learner may not search", async () => {
  await api(server, 'POST', '/api/v1/courses/PICK-1/enrolments', { token: admin, body: { username: 'teach', role: 'instructor' } });
  const teach = await signIn(server, 'teach', PW);
  let r = await get('/api/v1/courses/PICK-1/candidates', teach);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.items.map((u) => u.username).filter((u) => u !== 'teach').sort(), ['pp01', 'pp02']);
  const learner = await signIn(server, 'pp01', PW);
  r = await get('/api/v1/courses/PICK-1/candidates', learner);
  assert.equal(r.status, 403, show(r));
});
