// Self-enrolment that needs approval: the request waits (pending) until the learner's line
// manager (anyone above them in the reporting line) or an administrator approves or declines it;
// others may not decide; every step is audited; the learner sees the pending state in the
// catalogue and on the course page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';

let server;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
const tok = {};
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  // boss <- mia (manager) <- lee (learner); ola and out are outside that line.
  for (const [u, roles] of [['boss', ['manager']], ['mia', ['manager']], ['lee', ['learner']], ['ola', ['learner']], ['out', ['manager']]]) {
    await createUser(server, { username: u, email: `${u}@example.com`, first_name: u.toUpperCase(), last_name: 'Person', roles, password: PW });
  }
  await api(server, 'PATCH', '/api/v1/users/mia/profile', { token: admin, body: { manager: 'boss' } });
  await api(server, 'PATCH', '/api/v1/users/lee/profile', { token: admin, body: { manager: 'mia' } });
  for (const u of ['boss', 'mia', 'lee', 'ola', 'out']) tok[u] = await signIn(server, u, PW);
});
after(async () => { if (server) await server.stop(); });

const post = (p, body, token = admin) => api(server, 'POST', p, { token, body });
const get = (p, token = admin) => api(server, 'GET', p, { token });

test('a course can ask for approval of self-enrolment; the learner sees join "request"', async () => {
  let r = await post('/api/v1/courses', { code: 'APPR-1', title: 'Approved course', status: 'published', self_enrol: true, self_enrol_approval: true });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.course.self_enrol_approval, true);
  r = await get('/api/v1/courses/APPR-1', tok.lee);
  assert.equal(r.json.course.join, 'request');
  assert.equal(r.json.course.enrolment_request, null);
  // switching it off and on through PATCH
  r = await api(server, 'PATCH', '/api/v1/courses/APPR-1', { token: admin, body: { self_enrol_approval: false } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.course.self_enrol_approval, false);
  r = await api(server, 'PATCH', '/api/v1/courses/APPR-1', { token: admin, body: { self_enrol_approval: true } });
  assert.equal(r.json.course.self_enrol_approval, true);
});

let leeRequest;
test('a request is pending, shown in the catalogue and on the course page, and cannot be made twice', async () => {
  let r = await post('/api/v1/courses/APPR-1/self-enrolment', {}, tok.lee);
  assert.equal(r.status, 202, show(r));
  assert.equal(r.json.request.status, 'pending');
  assert.equal(r.json.course.enrolment, null);
  assert.equal(r.json.course.enrolment_request, 'pending');
  assert.equal(r.json.course.join, 'pending');
  leeRequest = r.json.request.id;
  r = await post('/api/v1/courses/APPR-1/self-enrolment', {}, tok.lee);
  assert.equal(r.status, 409, show(r));
  r = await get('/api/v1/courses?q=approved', tok.lee);
  const item = r.json.items.find((c) => c.code === 'APPR-1');
  assert.equal(item.join, 'pending', show(r));
  assert.equal(item.enrolment_request, 'pending');
  // the pages say so too
  const page = await api(server, 'GET', '/courses/APPR-1', { token: tok.lee, headers: { accept: 'text/html' } });
  assert.match(page.text, /Awaiting approval/);
  const cat = await api(server, 'GET', '/courses?q=approved', { token: tok.lee, headers: { accept: 'text/html' } });
  assert.match(cat.text, /Awaiting approval/);
  // not enrolled while pending: activities stay closed
  r = await get('/api/v1/courses/APPR-1/enrolments');
  assert.deepEqual(r.json.items.map((e) => e.username), []);
});

test('only the reporting line or an administrator sees and decides a request', async () => {
  let r = await get('/api/v1/enrolment-requests', tok.mia);
  assert.equal(r.status, 200, show(r));
  assert.deepEqual(r.json.items.map((q) => q.username), ['lee']);
  assert.equal(r.json.items[0].course, 'APPR-1');
  assert.equal((await get('/api/v1/enrolment-requests', tok.boss)).json.items.length, 1, 'an indirect manager sees it');
  assert.equal((await get('/api/v1/enrolment-requests', tok.out)).json.items.length, 0);
  assert.equal((await get('/api/v1/enrolment-requests', tok.lee)).json.items.length, 0, 'not their own');
  assert.equal((await get('/api/v1/enrolment-requests')).json.items.length, 1, 'administrators see all');
  r = await post(`/api/v1/enrolment-requests/${leeRequest}`, { decision: 'approve' }, tok.out);
  assert.equal(r.status, 403, show(r));
  r = await post(`/api/v1/enrolment-requests/${leeRequest}`, { decision: 'approve' }, tok.lee);
  assert.equal(r.status, 403, 'nobody approves their own request');
  r = await post(`/api/v1/enrolment-requests/${leeRequest}`, { decision: 'maybe' }, tok.mia);
  assert.equal(r.status, 422, show(r));
  r = await post('/api/v1/enrolment-requests/999999', { decision: 'approve' }, tok.mia);
  assert.equal(r.status, 404, show(r));
});

test('the line manager approves: the learner is enrolled; a decided request cannot be decided again', async () => {
  let r = await post(`/api/v1/enrolment-requests/${leeRequest}`, { decision: 'approve' }, tok.boss);
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.status, 'approved');
  r = await get('/api/v1/courses/APPR-1', tok.lee);
  assert.equal(r.json.course.enrolment.role, 'learner');
  assert.equal(r.json.course.enrolment_request, null);
  assert.equal(r.json.course.join, null);
  r = await get('/api/v1/courses/APPR-1/enrolments');
  const e = r.json.items.find((x) => x.username === 'lee');
  assert.equal(e.source, 'self');
  r = await post(`/api/v1/enrolment-requests/${leeRequest}`, { decision: 'decline' }, tok.mia);
  assert.equal(r.status, 409, show(r));
  assert.equal((await get('/api/v1/enrolment-requests', tok.mia)).json.items.length, 0, 'nothing pending');
  r = await get('/api/v1/enrolment-requests?status=approved', tok.mia);
  assert.deepEqual(r.json.items.map((q) => q.status), ['approved']);
});

test('an administrator declines with a note; the learner may ask again; all of it is audited', async () => {
  let r = await post('/api/v1/courses/APPR-1/self-enrolment', {}, tok.ola);
  assert.equal(r.status, 202, show(r));
  const id = r.json.request.id;
  assert.equal((await post(`/api/v1/enrolment-requests/${id}`, { decision: 'approve' }, tok.mia)).status, 403, 'ola has no manager');
  r = await post(`/api/v1/enrolment-requests/${id}`, { decision: 'decline', reason: 'Next quarter' });
  assert.equal(r.status, 200, show(r));
  r = await get('/api/v1/courses/APPR-1', tok.ola);
  assert.equal(r.json.course.enrolment, null);
  assert.equal(r.json.course.join, 'request');
  r = await get('/api/v1/enrolment-requests?status=declined');
  assert.equal(r.json.items[0].reason, 'Next quarter');
  r = await post('/api/v1/courses/APPR-1/self-enrolment', {}, tok.ola);
  assert.equal(r.status, 202, 'a declined learner may ask again');
  const audit = (await get('/api/v1/audit?limit=500')).json.items.map((x) => x.action);
  for (const a of ['enrolment.request', 'enrolment.approve', 'enrolment.decline']) assert.ok(audit.includes(a), a);
});

test('the requests page works without JavaScript: approve by a form post', async () => {
  const list = await api(server, 'GET', '/enrolment-requests', { token: admin, headers: { accept: 'text/html' } });
  assert.equal(list.status, 200);
  assert.match(list.text, /OLA Person/);
  const id = (await get('/api/v1/enrolment-requests')).json.items[0].id;
  assert.match(list.text, new RegExp(`action="/enrolment-requests/${id}"`));
  assert.match(list.text, /name="decision" value="approve"/);
});
