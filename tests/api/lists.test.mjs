// The lists an administrator works with: the users list sorted, filtered and paged; the audit
// log filtered and paged by entry; and the dashboards' JSON for each role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

let server;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
const get = (p, token = admin) => api(server, 'GET', p, { token });
const post = (p, body, token = admin) => api(server, 'POST', p, { token, body });
const patch = (p, body, token = admin) => api(server, 'PATCH', p, { token, body });
const names = (r) => r.json.items.map((u) => u.username);

let ops;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  ops = (await post('/api/v1/departments', { name: 'Operations' })).json.department.id;
  const people = [
    ['zoe.adams', 'Zoe', 'Adams', ['learner']], ['amy.young', 'Amy', 'Young', ['learner']],
    ['max.brown', 'Max', 'Brown', ['instructor', 'learner']], ['kim.lee', 'Kim', 'Lee', ['manager', 'learner']],
  ];
  for (const [username, first, last, roles] of people) {
    await createUser(server, { username, email: `${username}@example.com`, first_name: first, last_name: last, roles, password: PW }, admin);
  }
  await patch('/api/v1/users/zoe.adams/profile', { department_id: ops, manager: 'kim.lee' });
  await patch('/api/v1/users/amy.young/profile', { department_id: ops, manager: 'kim.lee' });
  await post('/api/v1/users/amy.young/suspend');
});
after(async () => { if (server) await server.stop(); });

test('users sort by an allowed column either way, and anything else is refused with the choices', async () => {
  const byName = await get('/api/v1/users?sort=name');
  assert.equal(byName.status, 200, show(byName));
  assert.deepEqual(names(byName), ['admin', 'zoe.adams', 'max.brown', 'kim.lee', 'amy.young'].sort((a, b) => {
    const last = { admin: '', 'zoe.adams': 'Adams', 'max.brown': 'Brown', 'kim.lee': 'Lee', 'amy.young': 'Young' };
    return last[a].localeCompare(last[b]);
  }));
  assert.equal(byName.json.sort, 'name');
  assert.equal(byName.json.dir, 'asc');
  const byUsernameDesc = await get('/api/v1/users?sort=username&dir=desc');
  assert.deepEqual(names(byUsernameDesc), ['zoe.adams', 'max.brown', 'kim.lee', 'amy.young', 'admin']);
  const bad = await get('/api/v1/users?sort=password_hash');
  assert.equal(bad.status, 422, show(bad));
  assert.equal(bad.json.error.field, 'sort');
  assert.match(bad.json.error.message, /username/);
  const badDir = await get('/api/v1/users?sort=name&dir=sideways');
  assert.equal(badDir.status, 422, show(badDir));
  assert.equal(badDir.json.error.field, 'dir');
});

test('users filter by role, department and status, together with the search', async () => {
  assert.deepEqual(names(await get('/api/v1/users?role=instructor')), ['max.brown']);
  assert.deepEqual(names(await get(`/api/v1/users?department=${ops}&sort=username`)), ['amy.young', 'zoe.adams']);
  assert.deepEqual(names(await get('/api/v1/users?status=suspended')), ['amy.young']);
  const active = await get(`/api/v1/users?status=active&department=${ops}`);
  assert.deepEqual(names(active), ['zoe.adams']);
  assert.equal(active.json.total, 1);
  assert.deepEqual(names(await get('/api/v1/users?role=learner&q=lee')), ['kim.lee']);
  const badRole = await get('/api/v1/users?role=wizard');
  assert.equal(badRole.status, 422, show(badRole));
  assert.equal(badRole.json.error.field, 'role');
  const badStatus = await get('/api/v1/users?status=asleep');
  assert.equal(badStatus.status, 422, show(badStatus));
  assert.equal(badStatus.json.error.field, 'status');
});

test('a locked account is found by status=locked', async () => {
  for (let i = 0; i < 5; i++) await api(server, 'POST', '/api/v1/sessions', { body: { username: 'max.brown', password: 'Wrong-Password-123' } });
  assert.deepEqual(names(await get('/api/v1/users?status=locked')), ['max.brown']);
  await post('/api/v1/users/max.brown/unlock');
  assert.deepEqual(names(await get('/api/v1/users?status=locked')), []);
});

test('paging keeps the filters and the sort in next and prev, and pages do not overlap', async () => {
  for (let i = 0; i < 6; i++) {
    await createUser(server, { username: `pg${i}`, email: `pg${i}@example.com`, first_name: 'Page', last_name: `P${i}`, roles: ['learner'], password: PW }, admin);
  }
  const p1 = await get('/api/v1/users?role=learner&q=page&sort=username&dir=desc&per_page=4');
  assert.equal(p1.status, 200, show(p1));
  assert.deepEqual(names(p1), ['pg5', 'pg4', 'pg3', 'pg2']);
  assert.equal(p1.json.total, 6);
  assert.equal(p1.json.pages, 2);
  for (const part of ['role=learner', 'q=page', 'sort=username', 'dir=desc', 'per_page=4', 'page=2']) assert.ok(p1.json.next.includes(part), `${part} in ${p1.json.next}`);
  const p2 = await get(p1.json.next);
  assert.deepEqual(names(p2), ['pg1', 'pg0']);
  assert.equal(p2.json.next, null);
  assert.ok(p2.json.prev.includes('page=1'));
});

test("a manager's list holds only their reporting line, whatever the filters", async () => {
  const kim = await signIn(server, 'kim.lee', PW);
  assert.deepEqual(names(await get('/api/v1/users?sort=username', kim)), ['amy.young', 'zoe.adams']);
  assert.deepEqual(names(await get('/api/v1/users?status=active', kim)), ['zoe.adams']);
  assert.deepEqual(names(await get('/api/v1/users?role=instructor', kim)), []);
});

test('the audit log filters by person, action family, target and dates, and pages by entry', async () => {
  const zoeId = (await get('/api/v1/users/zoe.adams')).json.user.id;
  const byTarget = await get('/api/v1/audit?target=amy.young&action=user.suspend');
  assert.equal(byTarget.status, 200, show(byTarget));
  assert.equal(byTarget.json.items.length, 1);
  const e = byTarget.json.items[0];
  assert.equal(e.target_user, 'amy.young');
  assert.equal(e.words, `${e.actor_name || 'admin'} suspended Amy Young`);
  const aboutZoe = await get(`/api/v1/audit?target=user:${zoeId}`);
  assert.ok(aboutZoe.json.items.length >= 2, show(aboutZoe));
  assert.ok(aboutZoe.json.items.every((e) => e.target === `user:${zoeId}`));
  const family = await get('/api/v1/audit?action=user&limit=500');
  assert.ok(family.json.items.length > 0 && family.json.items.every((e) => e.action.startsWith('user.')), show(family));
  const byActor = await get('/api/v1/audit?actor=max.brown');
  assert.ok(byActor.json.items.every((e) => e.actor === 'max.brown'));
  const today = new Date().toISOString().slice(0, 10);
  const dated = await get(`/api/v1/audit?from=${today}&to=${today}&limit=500`);
  assert.equal(dated.json.items.length, (await get('/api/v1/audit?limit=500')).json.items.length);
  assert.equal((await get('/api/v1/audit?to=2001-01-01')).json.items.length, 0);
  const badDate = await get('/api/v1/audit?from=2027-02-30');
  assert.equal(badDate.status, 422, show(badDate));
  assert.equal(badDate.json.error.field, 'from');

  // Paging: three entries a page, following "older" to the end and "newer" back.
  const all = (await get('/api/v1/audit?action=user&limit=500')).json.items.map((e) => e.id);
  const seen = [];
  let page = await get('/api/v1/audit?action=user&limit=3');
  assert.equal(page.json.newer, null);
  for (;;) {
    seen.push(...page.json.items.map((e) => e.id));
    if (!page.json.older_href) break;
    page = await get(page.json.older_href);
  }
  assert.deepEqual(seen, all, 'the pages hold every entry once, newest first');
  const back = await get(page.json.newer_href);
  assert.deepEqual(back.json.items.map((e) => e.id), all.slice(all.length - page.json.items.length - 3, all.length - page.json.items.length));
});

test('every audit entry is told in words, with the people named', async () => {
  const r = await get('/api/v1/audit?limit=500');
  for (const e of r.json.items) {
    assert.equal(typeof e.words, 'string');
    assert.ok(e.words.length > 0 && !/audit\.says/.test(e.words), JSON.stringify(e));
  }
  const created = r.json.items.find((e) => e.action === 'user.create' && e.target_user === 'zoe.adams');
  assert.match(created.words, /created the account of Zoe Adams/);
});

test("dashboards: the instructor's courses with their numbers, the manager's team, the administrator's overview", async () => {
  await post('/api/v1/courses', { code: 'TEACH-1', title: 'Teaching one', status: 'published' });
  await post('/api/v1/courses/TEACH-1/enrolments', { username: 'max.brown', role: 'instructor' });
  const overdue = await post('/api/v1/courses/TEACH-1/enrolments', { username: 'zoe.adams', due: '2001-01-01' });
  assert.equal(overdue.status, 201, show(overdue));
  await post('/api/v1/courses/TEACH-1/enrolments', { username: 'kim.lee' });
  const max = await signIn(server, 'max.brown', PW);
  const d = (await get('/api/v1/dashboard', max)).json;
  assert.equal(d.instructor.courses.length, 1, JSON.stringify(d));
  const c = d.instructor.courses[0];
  assert.equal(c.code, 'TEACH-1');
  assert.equal(c.learners, 2);
  assert.equal(c.completed, 0);
  assert.equal(c.overdue, 1);
  assert.equal(c.to_grade, 0);
  assert.ok(!d.learner || !d.learner.courses.some((x) => x.code === 'TEACH-1'), 'a course taught is not training');

  const kim = await signIn(server, 'kim.lee', PW);
  const k = (await get('/api/v1/dashboard', kim)).json;
  assert.equal(k.manager.team_count, 2);
  assert.equal(k.manager.team_href, '/admin/users');

  const a = (await get('/api/v1/dashboard')).json.admin;
  const people = (await get('/api/v1/users?status=active')).json.total;
  assert.equal(a.active_people, people);
  assert.equal(a.courses, 1);
  assert.equal(a.pending_requests, 0);
  assert.equal(a.failed_mail, 0);
  assert.ok(a.recent_activity.length > 0 && a.recent_activity.every((e) => typeof e.words === 'string'));
});

test('bulk actions: a preview that changes nothing, then one confirmed change audited per person', async () => {
  for (const u of ['bk1', 'bk2', 'bk3']) {
    await createUser(server, { username: u, email: `${u}@example.com`, first_name: 'Bulk', last_name: u.toUpperCase(), roles: ['learner'], password: PW }, admin);
  }
  await post('/api/v1/users/bk3/suspend');
  const preview = await post('/api/v1/user-actions', { action: 'suspend', users: ['bk1', 'bk2', 'bk3', 'admin', 'nobody.here'] });
  assert.equal(preview.status, 200, show(preview));
  assert.deepEqual(preview.json.affected.map((p) => p.username), ['bk1', 'bk2']);
  assert.deepEqual(preview.json.skipped.map((p) => [p.username, p.reason]), [['admin', 'you cannot suspend your own account'], ['bk3', 'already suspended']]);
  assert.equal(preview.json.unknown, 'nobody.here');
  assert.deepEqual(names(await get('/api/v1/users?status=suspended&q=bulk&sort=username')), ['bk3'], 'a preview changes nothing');

  const done = await post('/api/v1/user-actions', { action: 'suspend', users: ['bk1', 'bk2', 'bk3', 'admin'], confirm: true });
  assert.equal(done.status, 200, show(done));
  assert.equal(done.json.done, 2);
  assert.deepEqual(names(await get('/api/v1/users?status=suspended&q=bulk&sort=username')), ['bk1', 'bk2', 'bk3']);
  for (const u of ['bk1', 'bk2']) {
    const r = await get(`/api/v1/audit?target=${u}&action=user.suspend`);
    assert.equal(r.json.items.length, 1, `${u} audited once: ${show(r)}`);
  }

  const enrol = await post('/api/v1/user-actions', { action: 'enrol', course: 'TEACH-1', users: 'bk1,bk2,zoe.adams', confirm: true });
  assert.equal(enrol.status, 200, show(enrol));
  assert.equal(enrol.json.done, 2);
  assert.deepEqual(enrol.json.skipped.map((p) => [p.username, p.reason]), [['zoe.adams', 'already enrolled']]);
  const live = (await get('/api/v1/courses/TEACH-1/enrolments')).json.items.map((e) => e.username);
  assert.ok(live.includes('bk1') && live.includes('bk2'), JSON.stringify(live));

  const noCourse = await post('/api/v1/user-actions', { action: 'enrol', users: 'bk1' });
  assert.equal(noCourse.status, 422, show(noCourse));
  assert.equal(noCourse.json.error.field, 'course');
  const nobody = await post('/api/v1/user-actions', { action: 'suspend', users: '' });
  assert.equal(nobody.status, 422, show(nobody));
  assert.equal(nobody.json.error.field, 'users');
  const badAction = await post('/api/v1/user-actions', { action: 'delete', users: 'bk1' });
  assert.equal(badAction.status, 422, show(badAction));
  assert.equal(badAction.json.error.field, 'action');
  const kim = await signIn(server, 'kim.lee', PW);
  assert.equal((await post('/api/v1/user-actions', { action: 'suspend', users: 'zoe.adams' }, kim)).status, 403);
});

test("a course's enrolments: sorted, filtered, paged; the unpaged API answers them all as before", async () => {
  await post('/api/v1/courses', { code: 'LIST-1', title: 'Listed', status: 'published' });
  // A due date after 2038 is stored on both engines (PostgreSQL once took it for a 32-bit integer).
  for (const [u, due] of [['zoe.adams', '2001-01-01'], ['kim.lee', '2040-06-30'], ['pg0', null], ['pg1', null], ['pg2', null]]) {
    const r = await post('/api/v1/courses/LIST-1/enrolments', due ? { username: u, due } : { username: u });
    assert.equal(r.status, 201, show(r));
  }
  await post('/api/v1/courses/LIST-1/enrolments', { username: 'max.brown', role: 'instructor' });
  const all = await get('/api/v1/courses/LIST-1/enrolments');
  assert.equal(all.status, 200, show(all));
  assert.equal(all.json.items.length, 6, 'no page asked: every enrolment');
  assert.equal(all.json.code, 'LIST-1');
  const byDue = await get('/api/v1/courses/LIST-1/enrolments?sort=due&dir=desc&role=learner');
  assert.deepEqual(byDue.json.items.slice(0, 2).map((e) => e.username), ['kim.lee', 'zoe.adams']);
  assert.deepEqual((await get('/api/v1/courses/LIST-1/enrolments?state=overdue')).json.items.map((e) => e.username), ['zoe.adams']);
  assert.deepEqual((await get('/api/v1/courses/LIST-1/enrolments?role=instructor')).json.items.map((e) => e.username), ['max.brown']);
  const p1 = await get('/api/v1/courses/LIST-1/enrolments?sort=username&per_page=4');
  assert.deepEqual(p1.json.items.map((e) => e.username), ['kim.lee', 'max.brown', 'pg0', 'pg1']);
  assert.equal(p1.json.total, 6);
  const p2 = await get(p1.json.next);
  assert.deepEqual(p2.json.items.map((e) => e.username), ['pg2', 'zoe.adams']);
  const bad = await get('/api/v1/courses/LIST-1/enrolments?sort=password');
  assert.equal(bad.status, 422, show(bad));
  assert.equal(bad.json.error.field, 'sort');
});

test("a course's enrolments changed together: a new due date, then unenrolment, audited per person", async () => {
  const preview = await post('/api/v1/courses/LIST-1/enrolments/bulk', { action: 'due', due: '2041-02-01', users: 'pg0,pg1' });
  assert.equal(preview.status, 200, show(preview));
  assert.deepEqual(preview.json.people, ['pg0', 'pg1']);
  assert.equal((await get('/api/v1/courses/LIST-1/enrolments?q=pg0')).json.items[0].due, null, 'a preview changes nothing');
  const due = await post('/api/v1/courses/LIST-1/enrolments/bulk', { action: 'due', due: '2041-02-01', users: 'pg0,pg1', confirm: true });
  assert.equal(due.status, 200, show(due));
  assert.equal(due.json.done, 2);
  const rows = (await get('/api/v1/courses/LIST-1/enrolments?q=pg&sort=username')).json.items;
  assert.deepEqual(rows.map((e) => [e.username, e.due]), [['pg0', '2041-02-01'], ['pg1', '2041-02-01'], ['pg2', null]]);
  const changes = (await get('/api/v1/audit?action=enrolment.change&target=course:LIST-1')).json.items;
  assert.equal(changes.length, 2);
  const badDate = await post('/api/v1/courses/LIST-1/enrolments/bulk', { action: 'due', due: '2041-13-01', users: 'pg0', confirm: true });
  assert.equal(badDate.status, 422, show(badDate));
  assert.equal(badDate.json.error.field, 'due');
  // One person not enrolled: nobody is unenrolled.
  const partial = await post('/api/v1/courses/LIST-1/enrolments/bulk', { action: 'unenrol', users: 'pg0,amy.young', confirm: true });
  assert.equal(partial.status, 404, show(partial));
  assert.match(partial.json.error.message, /amy.young/);
  assert.equal((await get('/api/v1/courses/LIST-1/enrolments')).json.items.length, 6);
  const gone = await post('/api/v1/courses/LIST-1/enrolments/bulk', { action: 'unenrol', users: 'pg0,pg1', confirm: true });
  assert.equal(gone.status, 200, show(gone));
  assert.deepEqual((await get('/api/v1/courses/LIST-1/enrolments?q=pg')).json.items.map((e) => e.username), ['pg2']);
  const learner = await signIn(server, 'zoe.adams', PW);
  assert.equal((await post('/api/v1/courses/LIST-1/enrolments/bulk', { action: 'unenrol', users: 'pg2', confirm: true }, learner)).status, 403);
});

test('a bulk reset link: one message to each active person, the suspended left alone', async () => {
  const sink = await startSmtpSink();
  try {
    const mail = await patch('/api/v1/settings/mail', {
      smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', from_name: 'Training', site_url: server.url,
    });
    assert.equal(mail.status, 200, show(mail));
    await post('/api/v1/users/pg2/suspend');
    const preview = await post('/api/v1/user-actions', { action: 'send_reset_link', users: 'zoe.adams,pg2' });
    assert.deepEqual(preview.json.skipped.map((p) => [p.username, p.reason]), [['pg2', 'suspended: reactivate the account first']]);
    const sent = await post('/api/v1/user-actions', { action: 'send_reset_link', users: 'zoe.adams,pg2', confirm: true });
    assert.equal(sent.status, 200, show(sent));
    assert.equal(sent.json.done, 1);
    await sink.waitFor((m) => (m.to || '').includes('zoe.adams@example.com'), { what: 'the reset message for zoe' });
    const links = (await get('/api/v1/audit?action=user.signin_link&target=zoe.adams')).json.items;
    assert.equal(links.length, 1);
  } finally {
    await sink.stop();
  }
});
