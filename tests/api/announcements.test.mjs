// Announcements (docs/communication.md): audiences (a department's subtree, a course, a
// manager's team, the site), who may announce to whom, scheduling and expiry, safe Markdown,
// the empty audience refused, seen counts for the author, the urgent banner until dismissed,
// and the email fan-out through the outbox: one message a person, even when the job runs twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, show, signIn, adminToken, createUser, lecternBin, poll } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';

const PW = 'Announce-Password-2026';
let server, sink, admin, ops, sales, empty;
const tokens = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const announce = (token, body, status = 201) => call(token, 'POST', '/api/v1/announcements', { title: 'Notice', body: 'Hello', ...body }, status);
const mine = async (who) => (await call(tokens[who], 'GET', '/api/v1/me/announcements', undefined, 200)).json.announcements;
const titles = async (who) => (await mine(who)).map((a) => a.title);
const iso = (ms) => new Date(ms).toISOString().slice(0, 19) + 'Z';

/** Queues the fan-out job of announcement id by hand, as a second run would, and waits for it. */
function runEmailJob(id) {
  const db = server.dbUrl ? ['--db', server.dbUrl] : [];
  const r = spawnSync(lecternBin(), ['jobs', 'enqueue', 'announcement.email', '--payload', JSON.stringify({ announcement_id: id }), '--data', server.dataDir, ...db], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const job = /queued job (\d+)/.exec(r.stdout)[1];
  return poll(() => {
    const s = spawnSync(lecternBin(), ['jobs', 'show', job, '--json', '--data', server.dataDir, ...db], { encoding: 'utf8' });
    const j = s.status === 0 ? JSON.parse(s.stdout) : null;
    return j && j.state === 'done' ? j : null;
  }, { timeoutMs: 20000, intervalMs: 200, what: `job ${job} done` });
}

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  admin = await adminToken(server);
  await call(admin, 'PATCH', '/api/v1/settings/mail', { smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url }, 200);
  ops = (await call(admin, 'POST', '/api/v1/departments', { name: 'Operations' }, 201)).json.department.id;
  sales = (await call(admin, 'POST', '/api/v1/departments', { name: 'Sales', parent_id: ops }, 201)).json.department.id;
  empty = (await call(admin, 'POST', '/api/v1/departments', { name: 'Nobody here' }, 201)).json.department.id;
  const people = [['lea', 'learner', sales, ''], ['leo', 'learner', 0, ''], ['ivy', 'instructor', 0, ''], ['mona', 'manager', 0, ''], ['lou', 'learner', 0, 'mona']];
  for (const [username, role, dept, manager] of people) {
    await createUser(server, { username, first_name: username, last_name: 'Test', email: `${username}@example.org`, roles: [role], password: PW }, admin);
    const profile = { ...(dept ? { department_id: dept } : {}), ...(manager ? { manager } : {}) };
    if (Object.keys(profile).length) await call(admin, 'PATCH', `/api/v1/users/${username}/profile`, profile, 200);
    tokens[username] = await signIn(server, username, PW);
  }
  for (const code of ['ANN-1', 'ANN-2']) await call(admin, 'POST', '/api/v1/courses', { code, title: `Course ${code}`, status: 'published' }, 201);
  await call(admin, 'POST', '/api/v1/courses/ANN-1/enrolments', { username: 'ivy', role: 'instructor' }, 201);
  await call(admin, 'POST', '/api/v1/courses/ANN-1/enrolments', { username: 'leo' }, 201);
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('a department announcement reaches its subtree only; the author sees who has seen it', async () => {
  const r = await announce(admin, { title: 'Operations news', body: 'The **depot** moves.', audience: { department_id: ops }, pinned: true });
  const a = r.json.announcement;
  assert.deepEqual(a.audience, { department: 'Operations' });
  assert.equal(a.audience_size, 1);
  assert.equal(a.seen, 0);
  assert.match(a.body_html, /<strong>depot<\/strong>/);
  assert.ok((await titles('lea')).includes('Operations news'), 'lea is in Sales, under Operations');
  assert.ok(!(await titles('leo')).includes('Operations news'));
  const dash = await call(tokens.lea, 'GET', '/api/v1/me/dashboard', undefined, 200);
  assert.ok(dash.json.announcements.some((x) => x.title === 'Operations news' && x.pinned));
  const seen = (await call(admin, 'GET', `/api/v1/announcements/${a.id}`, undefined, 200)).json.announcement;
  assert.equal(seen.seen, 1, 'seen once, however often it was shown');
  assert.deepEqual(seen.seen_by.map((x) => x.username), ['lea']);
  const asLea = (await call(tokens.lea, 'GET', `/api/v1/announcements/${a.id}`, undefined, 200)).json.announcement;
  assert.equal(asLea.seen, undefined, 'the audience does not see the counts');
  await call(tokens.leo, 'GET', `/api/v1/announcements/${a.id}`, undefined, 404);
});

test('who may announce: instructors to their courses, managers to their team, administrators to anyone', async () => {
  const c = await announce(tokens.ivy, { title: 'Course news', audience: { course: 'ANN-1' } });
  assert.equal(c.json.announcement.audience_size, 2, 'the course\'s learner and instructor');
  const page = await call(tokens.leo, 'GET', '/api/v1/courses/ANN-1', undefined, 200);
  assert.deepEqual(page.json.announcements.map((x) => x.title), ['Course news']);
  const other = await announce(tokens.ivy, { audience: { course: 'ANN-2' } }, 403);
  assert.equal(other.json.error.field, 'course');
  await announce(tokens.ivy, { audience: { site: true } }, 403);
  await announce(tokens.lea, { audience: { site: true } }, 403);
  await announce(tokens.mona, { title: 'Team news', audience: { team: true } });
  assert.ok((await titles('lou')).includes('Team news'));
  assert.ok(!(await titles('lea')).includes('Team news'));
  const role = await announce(admin, { title: 'For instructors', audience: { role: 'instructor' } });
  assert.deepEqual(role.json.announcement.audience, { role: 'instructor' });
  assert.ok((await titles('ivy')).includes('For instructors'));
  assert.ok(!(await titles('lea')).includes('For instructors'));
});

test('bad input: an empty audience, an end before the start, a bad audience; nothing is written', async () => {
  const before = (await call(admin, 'GET', '/api/v1/announcements', undefined, 200)).json.written.length;
  const e = await announce(admin, { audience: { department_id: empty } }, 422);
  assert.equal(e.json.error.field, 'audience');
  assert.match(e.json.error.message, /Nobody is in this audience/);
  const t = await announce(admin, { audience: { site: true }, publish_at: iso(Date.now() + 7200e3), expire_at: iso(Date.now() + 3600e3) }, 422);
  assert.equal(t.json.error.field, 'expire_at');
  assert.equal((await announce(admin, { audience: { planet: true } }, 422)).json.error.field, 'audience');
  assert.equal((await announce(admin, { audience: { site: true }, importance: 'loud' }, 422)).json.error.field, 'importance');
  assert.equal((await announce(admin, { audience: { site: true }, title: '' }, 422)).json.error.field, 'title');
  assert.equal((await announce(admin, { audience: { site: true }, publish_at: 'next tuesday' }, 422)).json.error.field, 'publish_at');
  const after = (await call(admin, 'GET', '/api/v1/announcements', undefined, 200)).json.written.length;
  assert.equal(after, before);
});

test('raw HTML and javascript: links are made safe', async () => {
  const r = await announce(admin, { title: 'Unsafe', body: '<script>alert(1)</script>\n\n[click](javascript:alert(2)) <img src=x onerror=alert(3)>', audience: { site: true } });
  const html = r.json.announcement.body_html;
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /javascript:/i);
  assert.doesNotMatch(html, /onerror/i);
  const page = await api(server, 'GET', '/announcements', { token: tokens.lea, headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.text, /<script>alert/);
});

test('scheduled: shown from its publish time; ended by its author', async () => {
  const soon = await announce(admin, { title: 'Later', audience: { site: true }, publish_at: iso(Date.now() + 3600e3) });
  assert.equal(soon.json.announcement.live, false);
  assert.ok(!(await titles('leo')).includes('Later'), 'not shown before its time');
  await call(tokens.leo, 'GET', `/api/v1/announcements/${soon.json.announcement.id}`, undefined, 404);
  const now = await announce(admin, { title: 'Ending', audience: { site: true } });
  assert.ok((await titles('leo')).includes('Ending'));
  await call(tokens.ivy, 'DELETE', `/api/v1/announcements/${now.json.announcement.id}`, undefined, 403);
  const gone = await call(admin, 'DELETE', `/api/v1/announcements/${now.json.announcement.id}`, undefined, 200);
  assert.equal(gone.json.announcement.live, false);
  assert.ok(!(await titles('leo')).includes('Ending'));
  const archive = (await call(tokens.leo, 'GET', '/api/v1/announcements', undefined, 200)).json.announcements;
  assert.ok(archive.some((x) => x.title === 'Ending'), 'the archive keeps expired ones');
});

test('an urgent announcement is a banner on every page until dismissed', async () => {
  const r = await announce(admin, { title: 'Fire drill at noon', audience: { department_id: ops }, importance: 'urgent' });
  const id = r.json.announcement.id;
  const html = (p, who) => api(server, 'GET', p, { token: tokens[who], headers: { accept: 'text/html' } });
  for (const p of ['/', '/courses', '/announcements']) assert.match((await html(p, 'lea')).text, /class="[^"]*announcement-banner[^"]*"[^>]*data-announcement="\d+"[\s\S]*Fire drill at noon/, p);
  assert.doesNotMatch((await html('/', 'leo')).text, /Fire drill at noon/);
  await call(tokens.lea, 'POST', `/api/v1/announcements/${id}/dismiss`, {}, 200);
  assert.doesNotMatch((await html('/courses', 'lea')).text, /announcement-banner/);
  await call(tokens.leo, 'POST', `/api/v1/announcements/${id}/dismiss`, {}, 404);
});

test('the dashboard with live announcements stays within its queries', async () => {
  for (const title of ['One', 'Two', 'Three']) await announce(admin, { title, audience: { site: true } });
  await call(tokens.leo, 'GET', '/api/v1/me/dashboard', undefined, 200); /* the first showing records them */
  const r = await call(tokens.leo, 'GET', '/api/v1/me/dashboard', undefined, 200);
  assert.ok(r.json.announcements.length >= 3);
  const n = Number(r.headers['x-lectern-queries']);
  assert.ok(n >= 1 && n <= 5, `${n} queries`);
});

test('emailed to the audience once each, even when the fan-out runs again', async () => {
  const r = await announce(admin, { title: 'Everyone please read', body: 'The canteen *reopens*.', audience: { site: true }, email: true });
  const a = r.json.announcement;
  const subject = (m) => /Everyone please read/.test(m.subject || '');
  const emailed = async () => (await call(admin, 'GET', `/api/v1/announcements/${a.id}`, undefined, 200)).json.announcement.emailed;
  /* Everyone with an address: lea, leo, ivy, mona and lou at least. */
  await poll(async () => { const n = await emailed(); return n >= 5 && sink.messages().filter(subject).length === n; }, { timeoutMs: 30000, what: 'the announcement emails' });
  await runEmailJob(a.id);
  await runEmailJob(a.id);
  const got = sink.messages().filter(subject);
  const to = got.map((m) => m.to);
  assert.equal(new Set(to).size, to.length, `nobody twice: ${to.join(', ')}`);
  const counted = (await call(admin, 'GET', `/api/v1/announcements/${a.id}`, undefined, 200)).json.announcement;
  assert.equal(counted.emailed, got.length);
  assert.ok(to.some((x) => x.includes('lea@example.org')));
  const lea = got.find((m) => m.to.includes('lea@example.org'));
  assert.match(lea.text || lea.body || '', /canteen/);
});
