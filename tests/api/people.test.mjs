// The organisation through the API: departments (a tree), job roles, custom profile fields,
// a user's HR fields and line manager, and the reporting line that limits what a manager sees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, signIn } from '../lib/server.mjs';
import { importCsv, preview, rowAt } from '../lib/people.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

const get = (path, token = admin) => api(server, 'GET', path, { token });
const post = (path, body, token = admin) => api(server, 'POST', path, { token, body });
const patch = (path, body, token = admin) => api(server, 'PATCH', path, { token, body });
const del = (path, token = admin) => api(server, 'DELETE', path, { token });
const PW = 'Amber-Falcon-Ridge-24';

let ops;
let sales;
test('departments form a tree with paths; names are unique among siblings', async () => {
  const a = await post('/api/v1/departments', { name: 'Operations', idnumber: 'OPS' });
  assert.equal(a.status, 201, show(a));
  ops = a.json.department;
  assert.equal(ops.path, 'Operations');
  assert.equal(ops.parent_id, null);
  const b = await post('/api/v1/departments', { name: 'Sales', parent_id: ops.id });
  assert.equal(b.status, 201, show(b));
  sales = b.json.department;
  assert.equal(sales.path, 'Operations / Sales');
  assert.equal(sales.depth, 1);
  assert.equal((await post('/api/v1/departments', { name: 'Sales', parent_id: ops.id })).status, 409);
  assert.equal((await post('/api/v1/departments', { name: 'Other', idnumber: 'OPS' })).status, 409);
  const slash = await post('/api/v1/departments', { name: 'A/B' });
  assert.equal(slash.status, 422);
  assert.equal(slash.json.error.field, 'name');
  const loop = await patch(`/api/v1/departments/${ops.id}`, { parent_id: sales.id });
  assert.equal(loop.status, 422, show(loop));
  assert.equal(loop.json.error.field, 'parent_id');
  const list = await get('/api/v1/departments');
  assert.deepEqual(list.json.items.map((d) => d.path), ['Operations', 'Operations / Sales']);
  const tmp = await post('/api/v1/departments', { name: 'Temporary' });
  const renamed = await patch(`/api/v1/departments/${tmp.json.department.id}`, { name: 'Short-lived', parent_id: ops.id });
  assert.equal(renamed.status, 200, show(renamed));
  assert.equal(renamed.json.department.path, 'Operations / Short-lived');
  assert.equal((await del(`/api/v1/departments/${tmp.json.department.id}`)).status, 200);
  assert.equal((await del(`/api/v1/departments/${ops.id}`)).status, 409, 'it has a sub-department');
});

let agent;
test('job roles: create, rename, unique names, delete only when unused', async () => {
  const r = await post('/api/v1/job-roles', { name: 'Agent', idnumber: 'AG' });
  assert.equal(r.status, 201, show(r));
  agent = r.json.job_role;
  assert.equal((await post('/api/v1/job-roles', { name: 'Agent' })).status, 409);
  const lead = await post('/api/v1/job-roles', { name: 'Lead' });
  const up = await patch(`/api/v1/job-roles/${lead.json.job_role.id}`, { name: 'Team lead' });
  assert.equal(up.json.job_role.name, 'Team lead');
  assert.deepEqual((await get('/api/v1/job-roles')).json.items.map((j) => j.name), ['Agent', 'Team lead']);
  assert.equal((await del(`/api/v1/job-roles/${lead.json.job_role.id}`)).status, 200);
});

test('profile fields: types, choices, required, and their values on a user', async () => {
  const menu = await post('/api/v1/profile-fields', { shortname: 'Site', name: 'Site', type: 'menu', options: 'Leeds\nYork', required: true });
  assert.equal(menu.status, 201, show(menu));
  assert.equal(menu.json.profile_field.shortname, 'site');
  assert.deepEqual(menu.json.profile_field.options, ['Leeds', 'York']);
  assert.equal((await post('/api/v1/profile-fields', { shortname: 'site', name: 'Again', type: 'text' })).status, 409);
  assert.equal((await post('/api/v1/profile-fields', { shortname: 'bad name', name: 'X', type: 'text' })).status, 422);
  assert.equal((await post('/api/v1/profile-fields', { shortname: 'x', name: 'X', type: 'colour' })).status, 422);
  assert.equal((await post('/api/v1/profile-fields', { shortname: 'empty_menu', name: 'X', type: 'menu' })).status, 422);
  const date = await post('/api/v1/profile-fields', { shortname: 'start', name: 'Start date', type: 'date' });
  assert.equal(date.status, 201);
  await post('/api/v1/profile-fields', { shortname: 'first_aid', name: 'First aider', type: 'checkbox' });

  await importCsv(server, admin, 'username,firstname,lastname,email,profile_field_site\npf.user,Pf,User,pf@example.org,york\n');
  const set = await patch('/api/v1/users/pf.user/profile', { profile: { start: '2024-02-29', first_aid: true } });
  assert.equal(set.status, 200, show(set));
  assert.deepEqual(set.json.profile, { site: 'York', start: '2024-02-29', first_aid: '1' });
  const badDate = await patch('/api/v1/users/pf.user/profile', { profile: { start: '2023-02-29' } });
  assert.equal(badDate.status, 422);
  assert.equal(badDate.json.error.field, 'profile_field_start');
  assert.equal((await patch('/api/v1/users/pf.user/profile', { profile: { site: 'Paris' } })).status, 422);
  assert.equal((await patch('/api/v1/users/pf.user/profile', { profile: { site: '' } })).status, 422, 'required');
  assert.equal((await patch('/api/v1/users/pf.user/profile', { profile: { nope: '1' } })).status, 422);
  const shown = await get('/api/v1/users/pf.user');
  assert.equal(shown.json.profile.site, 'York');
  // Deleting a field deletes its values.
  assert.equal((await del(`/api/v1/profile-fields/${date.json.profile_field.id}`)).status, 200);
  assert.equal((await get('/api/v1/users/pf.user')).json.profile.start, undefined);
});

test("a user's HR fields: idnumber unique, department, job role, manager without loops", async () => {
  await importCsv(server, admin, 'username,firstname,lastname,email\nhr.a,Hr,A,hra@example.org\nhr.b,Hr,B,hrb@example.org\n');
  const r = await patch('/api/v1/users/hr.a/profile', {
    idnumber: 'E-100', department_id: sales.id, job_role_id: agent.id, manager: 'hr.b', phone: '+44 1', city: 'Leeds',
    country: 'gb', lang: 'en', timezone: 'Europe/London', institution: 'Acme',
  });
  assert.equal(r.status, 200, show(r));
  const u = r.json.user;
  assert.equal(u.idnumber, 'E-100');
  assert.deepEqual(u.department, { id: sales.id, name: 'Sales' });
  assert.deepEqual(u.job_role, { id: agent.id, name: 'Agent' });
  assert.equal(u.manager.username, 'hr.b');
  assert.equal(u.country, 'GB');
  assert.equal((await patch('/api/v1/users/hr.b/profile', { idnumber: 'E-100' })).status, 409);
  const loop = await patch('/api/v1/users/hr.b/profile', { manager: 'hr.a' });
  assert.equal(loop.status, 422);
  assert.match(loop.json.error.message, /loop/);
  assert.equal((await patch('/api/v1/users/hr.a/profile', { manager: 'hr.a' })).status, 422);
  assert.equal((await patch('/api/v1/users/hr.a/profile', { timezone: 'Mars/Olympus' })).status, 422);
  assert.equal((await patch('/api/v1/users/hr.a/profile', { department_id: 999999 })).status, 422);
  // Clearing: department 0, manager "".
  const cleared = await patch('/api/v1/users/hr.a/profile', { department_id: 0, manager: '' });
  assert.equal(cleared.json.user.department, null);
  assert.equal(cleared.json.user.manager, null);
  assert.equal(cleared.json.user.job_role.name, 'Agent', 'what was not sent stays');
  // The department cannot go while people are in it; the job role neither.
  await patch('/api/v1/users/hr.a/profile', { department_id: sales.id });
  assert.equal((await del(`/api/v1/departments/${sales.id}`)).status, 409);
  assert.equal((await del(`/api/v1/job-roles/${agent.id}`)).status, 409);
  // Bulk uploads name departments by idnumber, path or name, and job roles by name.
  const imp = await preview(server, admin, 'username,department,job_role\nhr.b,OPS,agent\nhr.a,Operations/Sales,\nhr.a2,Nowhere,\n', { mode: 'update' });
  assert.equal(rowAt(imp, 2).outcome, 'update');
  assert.equal(rowAt(imp, 3).outcome, 'unchanged');
});

test('a manager sees their whole reporting line and nobody else', async () => {
  // boss -> lead -> worker (indirect for boss); outsider reports to someone else.
  await importCsv(server, admin, [
    'username,firstname,lastname,email,password,roles,manager',
    'rl.boss,Bo,Ss,boss@example.org,' + PW + ',manager,',
    'rl.lead,Le,Ad,lead@example.org,' + PW + ',manager;learner,rl.boss',
    'rl.worker,Wo,Rker,worker@example.org,,learner,rl.lead',
    'rl.other,Ot,Her,other@example.org,,learner,',
    'rl.outsider,Out,Sider,outsider@example.org,,learner,rl.other',
  ].join('\n') + '\n');
  const boss = await signIn(server, 'rl.boss', PW);
  const lead = await signIn(server, 'rl.lead', PW);
  const names = async (token, q = '') => (await get(`/api/v1/users?per_page=100${q}`, token)).json.items.map((u) => u.username).sort();
  assert.deepEqual(await names(boss), ['rl.lead', 'rl.worker']);
  assert.deepEqual(await names(lead), ['rl.worker']);
  const total = (await get('/api/v1/users', boss)).json.total;
  assert.equal(total, 2, 'the count is of the reporting line too');
  assert.deepEqual(await names(boss, '&q=outsider'), [], 'search stays inside the line');
  assert.equal((await get('/api/v1/users/rl.worker', boss)).status, 200, 'indirect reports can be opened');
  const outside = await get('/api/v1/users/rl.outsider', boss);
  assert.equal(outside.status, 404, show(outside));
  assert.equal((await get('/api/v1/users/admin', boss)).status, 404);
  assert.equal((await get('/api/v1/users/rl.boss', lead)).status, 404, 'not upwards either');
  assert.equal((await get('/api/v1/users/rl.boss', boss)).status, 200, 'oneself');
  // Managers read; they do not change people.
  assert.equal((await patch('/api/v1/users/rl.worker/profile', { city: 'X' }, boss)).status, 403);
  // The HTML list is the same model.
  const page = await api(server, 'GET', '/admin/users', { token: boss, headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.ok(page.text.includes('rl.worker') && !page.text.includes('rl.outsider'));
  // The administrator sees everyone.
  const all = await names(admin, '&q=rl.');
  assert.deepEqual(all, ['rl.boss', 'rl.lead', 'rl.other', 'rl.outsider', 'rl.worker']);
  // A manager reads the person, never how they sign in: no sign-in history, lockout or
  // support links, and none of the administrators' support actions on the page.
  const asBoss = await get('/api/v1/users/rl.lead', boss);
  assert.equal(asBoss.status, 200, show(asBoss));
  assert.equal(asBoss.json.user.username, 'rl.lead');
  for (const key of ['signins', 'support']) assert.equal(key in asBoss.json, false, `no ${key}: ${show(asBoss)}`);
  for (const key of ['locked', 'locked_until', 'must_change_password']) assert.equal(key in asBoss.json.user, false, key);
  const asAdmin = await get('/api/v1/users/rl.lead');
  assert.ok(asAdmin.json.signins.length >= 1, 'rl.lead has signed in: the administrator sees it');
  assert.equal(asAdmin.json.user.locked, false);
  assert.ok(asAdmin.json.support);
  const bossPage = await api(server, 'GET', '/admin/users/rl.lead', { token: boss, headers: { accept: 'text/html' } });
  assert.equal(bossPage.status, 200);
  assert.match(bossPage.text, /rl\.lead/);
  assert.doesNotMatch(bossPage.text, /signins-heading|support-heading|support-more-heading|Not locked|Send reset link/);
  const adminPage = await api(server, 'GET', '/admin/users/rl.lead', { token: admin, headers: { accept: 'text/html' } });
  assert.match(adminPage.text, /signins-heading/);
  assert.match(adminPage.text, /support-heading/);
  // Moving the worker under the other line takes them out of boss's view.
  await patch('/api/v1/users/rl.worker/profile', { manager: 'rl.other' });
  assert.deepEqual(await names(boss), ['rl.lead']);
  assert.equal((await get('/api/v1/users/rl.worker', boss)).status, 404);
});
