// Requests to the administrators (docs/communication.md): instructors and managers file them
// (a course to host, people to enrol, a class to schedule) with the day they are needed by;
// administrators work the queue soonest first, change the state (declined needs a reason), and
// the requester is emailed at every step; bad input names its field and keeps nothing;
// overdue requests are flagged on the administrators' dashboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, poll, ADMIN_PASSWORD } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { advanceClock } from '../lib/clock.mjs';

const PW = 'Request-Password-2026';
let server, sink, admin;
const tokens = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const day = (daysFromNow) => new Date(Date.now() + daysFromNow * 86400000).toISOString().slice(0, 10);
const file = (who, body, status = 201) => call(tokens[who], 'POST', '/api/v1/requests', body, status);

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  admin = await adminToken(server);
  await call(admin, 'PATCH', '/api/v1/settings/mail', { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url }, 200);
  for (const [username, role] of [['ivy', 'instructor'], ['mona', 'manager'], ['lea', 'learner'], ['leo', 'learner']]) {
    await createUser(server, { username, first_name: username, last_name: 'Test', email: `${username}@example.org`, roles: [role], password: PW }, admin);
    tokens[username] = await signIn(server, username, PW);
  }
  await call(admin, 'POST', '/api/v1/courses', { code: 'REQ-1', title: 'First aid', status: 'published' }, 201);
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('an enrolment request: filed, queued, worked, done; the requester is emailed at each step', async () => {
  const r = await file('ivy', { kind: 'enrol', course: 'REQ-1', usernames: 'lea\nleo, lea', due_date: day(40), needed_by: day(10), notes: 'New starters' });
  const req = r.json.request;
  assert.equal(req.state, 'new');
  assert.equal(req.usernames, 'lea\nleo', 'one a line, repeats dropped');
  assert.equal(req.n_people, 2);
  assert.deepEqual(req.course, { code: 'REQ-1', title: 'First aid' });
  assert.equal(req.overdue, false);
  await poll(() => sink.messages().find((m) => m.to.includes('ivy@') && /New/.test(m.subject)), { timeoutMs: 20000, what: 'the filing email' });

  const queue = (await call(admin, 'GET', '/api/v1/requests', undefined, 200)).json.queue;
  assert.ok(queue.some((x) => x.id === req.id));
  const theirs = (await call(tokens.ivy, 'GET', '/api/v1/requests', undefined, 200)).json;
  assert.equal(theirs.queue, undefined, 'only administrators see the queue');
  assert.equal(theirs.mine_more, false);
  assert.deepEqual(theirs.mine.map((x) => x.id), [req.id]);
  await call(tokens.mona, 'GET', `/api/v1/requests/${req.id}`, undefined, 404);
  await call(tokens.ivy, 'POST', `/api/v1/requests/${req.id}/state`, { state: 'done' }, 403);

  await call(admin, 'POST', `/api/v1/requests/${req.id}/state`, { state: 'in_progress' }, 200);
  const done = (await call(admin, 'POST', `/api/v1/requests/${req.id}/state`, { state: 'done' }, 200)).json.request;
  assert.equal(done.state, 'done');
  assert.equal(done.handled_by, 'admin');
  const again = await call(admin, 'POST', `/api/v1/requests/${req.id}/state`, { state: 'declined', reason: 'No' }, 409);
  assert.equal(again.json.error.field, 'state');
  await poll(() => sink.messages().find((m) => m.to.includes('ivy@') && /Done/.test(m.subject)), { timeoutMs: 20000, what: 'the done email' });
  assert.ok(sink.messages().some((m) => m.to.includes('ivy@') && /In progress/.test(m.subject)));
  const mine = (await call(tokens.ivy, 'GET', `/api/v1/requests/${req.id}`, undefined, 200)).json.request;
  assert.equal(mine.state, 'done');
});

test('the queue is ordered by the day needed; declining needs a reason, which the requester reads', async () => {
  const later = (await file('mona', { kind: 'course', title: 'Forklift safety', course_kind: 'classroom', needed_by: day(30) })).json.request;
  const sooner = (await file('mona', { kind: 'class', course: 'REQ-1', wanted_dates: 'Any Tuesday in March', seats: 12, needed_by: day(3) })).json.request;
  const queue = (await call(admin, 'GET', '/api/v1/requests', undefined, 200)).json.queue.map((x) => x.id);
  assert.ok(queue.indexOf(sooner.id) < queue.indexOf(later.id), 'the sooner needed first');
  const noReason = await call(admin, 'POST', `/api/v1/requests/${later.id}/state`, { state: 'declined' }, 422);
  assert.equal(noReason.json.error.field, 'reason');
  const declined = (await call(admin, 'POST', `/api/v1/requests/${later.id}/state`, { state: 'declined', reason: 'We have one: SAFE-2.' }, 200)).json.request;
  assert.equal(declined.reason, 'We have one: SAFE-2.');
  const m = await poll(() => sink.messages().find((x) => x.to.includes('mona@') && /Declined/.test(x.subject)), { timeoutMs: 20000, what: 'the declined email' });
  assert.match(m.text, /We have one: SAFE-2\./);
  const closed = (await call(admin, 'GET', '/api/v1/requests?state=declined', undefined, 200)).json.queue.map((x) => x.id);
  assert.deepEqual(closed, [later.id]);
});

test('bad input names its field and keeps nothing', async () => {
  const before = (await call(tokens.ivy, 'GET', '/api/v1/requests', undefined, 200)).json.mine.length;
  const cases = [
    [{ kind: 'party', needed_by: day(3) }, 'kind'],
    [{ kind: 'course', needed_by: day(3) }, 'title'],
    [{ kind: 'course', title: 'X', needed_by: 'soon' }, 'needed_by'],
    [{ kind: 'course', title: 'X', needed_by: day(-3) }, 'needed_by'],
    [{ kind: 'course', title: 'X', course_kind: 'hybrid', needed_by: day(3) }, 'course_kind'],
    [{ kind: 'enrol', course: 'NOPE', usernames: 'lea', needed_by: day(3) }, 'course'],
    [{ kind: 'enrol', course: 'REQ-1', usernames: '  ', needed_by: day(3) }, 'usernames'],
    [{ kind: 'enrol', course: 'REQ-1', usernames: 'lea\nghost', needed_by: day(3) }, 'usernames'],
    [{ kind: 'enrol', course: 'REQ-1', usernames: 'lea', due_date: '31/01/2027', needed_by: day(3) }, 'due_date'],
    [{ kind: 'class', course: 'REQ-1', needed_by: day(3) }, 'wanted_dates'],
  ];
  for (const [body, field] of cases) {
    const r = await file('ivy', body, 422);
    assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${show(r)}`);
  }
  const unknown = await file('ivy', { kind: 'enrol', course: 'REQ-1', usernames: 'lea\nghost', needed_by: day(3) }, 422);
  assert.match(unknown.json.error.message, /ghost/);
  const after = (await call(tokens.ivy, 'GET', '/api/v1/requests', undefined, 200)).json.mine.length;
  assert.equal(after, before, 'nothing was kept');
  await call(tokens.lea, 'POST', '/api/v1/requests', { kind: 'course', title: 'X', needed_by: day(3) }, 403);
});

test('a CSV with a username column is read as the list', async () => {
  const r = await file('ivy', { kind: 'enrol', course: 'REQ-1', usernames: 'email,username,due\nlea@example.org,lea,2027-01-01\n"leo@example.org","leo",\n', needed_by: day(5) });
  assert.equal(r.json.request.usernames, 'lea\nleo');
});

test('an administrator acts in place: the new-course form and the new-event form open filled in', async () => {
  const html = (path) => api(server, 'GET', path, { token: admin, headers: { accept: 'text/html' } });
  const course = (await file('mona', { kind: 'course', title: 'Forklift & safety', course_kind: 'blended', needed_by: day(12) })).json.request;
  let page = await html(`/requests/${course.id}`);
  const href = /href="(\/admin\/courses\/new\?[^"]+)"/.exec(page.text)[1].replace(/&amp;/g, '&');
  const form = await html(href);
  assert.equal(form.status, 200, show(form));
  assert.match(form.text, /name="title" class="form-control" value="Forklift &amp; safety"/);
  assert.match(form.text, /<option value="blended" selected>/);

  // A class: the course's first classroom session's new-event form, with the seats and the dates as its note.
  const cls = (await file('mona', { kind: 'class', course: 'REQ-1', wanted_dates: 'Tuesdays in March', seats: 14, needed_by: day(12) })).json.request;
  page = await html(`/requests/${cls.id}`);
  assert.match(page.text, /no classroom session yet/, 'without a session the page says what to do first');
  const section = (await call(admin, 'POST', '/api/v1/courses/REQ-1/sections', { title: 'Classes' }, 201)).json.id;
  const session = (await call(admin, 'POST', '/api/v1/courses/REQ-1/activities', { section_id: section, kind: 'session', title: 'Classroom day' }, 201)).json.activity.id;
  assert.equal((await call(admin, 'GET', `/api/v1/requests/${cls.id}`, undefined, 200)).json.request.session_id, session);
  page = await html(`/requests/${cls.id}`);
  const event = /href="(\/courses\/REQ-1\/sessions\/\d+\/events\/new\?[^"]+)"/.exec(page.text)[1].replace(/&amp;/g, '&');
  const eventForm = await html(event);
  assert.equal(eventForm.status, 200, show(eventForm));
  assert.match(eventForm.text, /name="seats" type="number" min="1" class="form-control" value="14"/);
  assert.match(eventForm.text, /Tuesdays in March<\/textarea>/);
});

test('the queue and a request run a fixed number of queries; open requests cost the dashboard none', async () => {
  const queries = async (path) => {
    await api(server, 'GET', path, { token: admin, headers: { accept: 'text/html' } }); // after a change, the summaries are read once
    const r = await api(server, 'GET', path, { token: admin, headers: { accept: 'text/html' } });
    assert.equal(r.status, 200, `${path}: ${show(r)}`);
    return Number(r.headers['x-lectern-queries']);
  };
  const dashboardBefore = await queries('/');
  for (let i = 0; i < 12; i++) await file('mona', { kind: 'class', course: 'REQ-1', wanted_dates: `Week ${i}`, needed_by: day(20 + i) });
  const id = (await call(admin, 'GET', '/api/v1/requests', undefined, 200)).json.queue[0].id;
  const counts = { queue: await queries('/requests'), request: await queries(`/requests/${id}`), dashboard: await queries('/') };
  assert.ok(counts.queue >= 1 && counts.queue <= 5, JSON.stringify(counts));
  assert.ok(counts.request >= 1 && counts.request <= 5, JSON.stringify(counts));
  assert.equal(counts.dashboard, dashboardBefore, `no overdue request, no count: ${JSON.stringify(counts)}`);
});

test('an open request past its day is flagged on the administrators\' dashboard', async () => {
  const before = (await call(admin, 'GET', '/api/v1/dashboard', undefined, 200)).json.admin.overdue_requests;
  await file('ivy', { kind: 'course', title: 'Overdue soon', needed_by: day(0) });
  await advanceClock(server, '2d');
  admin = await signIn(server, 'admin', ADMIN_PASSWORD); // the clock moved past the sessions' idle expiry
  const dash = (await call(admin, 'GET', '/api/v1/dashboard', undefined, 200)).json.admin;
  assert.ok(dash.overdue_requests > before, `overdue ${dash.overdue_requests} after ${before}`);
  const queue = (await call(admin, 'GET', '/api/v1/requests', undefined, 200)).json.queue;
  assert.ok(queue.find((x) => x.title === 'Overdue soon').overdue);
  const page = await api(server, 'GET', '/', { token: admin, headers: { accept: 'text/html' } });
  assert.match(page.text, /id="overdue-requests">Requests past their day</, 'flagged on the dashboard page');
});
