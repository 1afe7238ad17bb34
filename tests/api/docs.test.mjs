// Process documents (docs/communication.md): pages in a hierarchy with an owner, a review date
// and an audience (a page is not there for anyone outside it), every save a new revision, the
// line diff between any two, a restore written as a new revision, bad input refused at its
// field with nothing kept, the owner reminded once per review date, links at /docs/SLUG, and the
// page within its queries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startServer, api, show, signIn, adminToken, createUser, poll, lecternBin, ADMIN_PASSWORD } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { advanceClock } from '../lib/clock.mjs';

const PW = 'Docs-Password-2026';
let server, sink, admin;
const tokens = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const day = (daysFromNow) => new Date(Date.now() + daysFromNow * 86400000).toISOString().slice(0, 10);
const page = (body, status = 201) => call(admin, 'POST', '/api/v1/docs', { audience: 'everyone', body: 'Text', ...body }, status);

/** Runs the review scan now on the server's workers and waits until its job is done. */
function runReviewScan() {
  const db = server.dbUrl ? ['--db', server.dbUrl] : [];
  const r = spawnSync(lecternBin(), ['jobs', 'enqueue', 'docs.review', '--data', server.dataDir, ...db], { encoding: 'utf8' });
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
  for (const [username, role] of [['ivy', 'instructor'], ['mona', 'manager'], ['lea', 'learner']]) {
    await createUser(server, { username, first_name: username, last_name: 'Test', email: `${username}@example.org`, roles: [role], password: PW }, admin);
    tokens[username] = await signIn(server, username, PW);
  }
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('pages in a hierarchy, each for its audience only', async () => {
  const top = (await page({ title: 'Enrolment handbook', body: '# Handbook\n\nSee [the checklist](/docs/enrolment-checklist).' })).json.page;
  assert.equal(top.slug, 'enrolment-handbook');
  assert.match(top.body_html, /<a href="\/docs\/enrolment-checklist">the checklist<\/a>/);
  const child = (await page({ title: 'Enrolment checklist', parent: 'enrolment-handbook', audience: 'manager', owner: 'mona' })).json.page;
  assert.deepEqual(child.path, [{ slug: 'enrolment-handbook', title: 'Enrolment handbook' }]);
  assert.deepEqual(child.parent, { slug: 'enrolment-handbook', title: 'Enrolment handbook' });
  assert.equal(child.owner.username, 'mona');
  assert.equal(child.revision, 1);

  await call(tokens.mona, 'GET', '/api/v1/docs/enrolment-checklist', undefined, 200);
  await call(tokens.lea, 'GET', '/api/v1/docs/enrolment-checklist', undefined, 404);
  await call(tokens.ivy, 'GET', '/api/v1/docs/enrolment-checklist/revisions', undefined, 404);
  const asLea = (await call(tokens.lea, 'GET', '/api/v1/docs/enrolment-handbook', undefined, 200)).json.page;
  assert.deepEqual(asLea.children, [], 'a child the reader may not read is not listed');
  const asMona = (await call(tokens.mona, 'GET', '/api/v1/docs/enrolment-handbook', undefined, 200)).json.page;
  assert.deepEqual(asMona.children.map((c) => c.slug), ['enrolment-checklist']);
  const tree = (await call(tokens.lea, 'GET', '/api/v1/docs', undefined, 200)).json.pages.map((x) => x.slug);
  assert.ok(tree.includes('enrolment-handbook') && !tree.includes('enrolment-checklist'));
  const all = (await call(admin, 'GET', '/api/v1/docs', undefined, 200)).json.pages;
  const at = all.findIndex((x) => x.slug === 'enrolment-handbook');
  assert.equal(all[at + 1].slug, 'enrolment-checklist', 'a page right after its parent');
  assert.equal(all[at + 1].depth, 1);
  await call(tokens.ivy, 'POST', '/api/v1/docs', { title: 'Mine', body: 'x' }, 403);
});

test('every save is a revision; a diff between any two; a restore is a new revision', async () => {
  await page({ title: 'Room booking', slug: 'rooms', body: 'Line one\nLine two\nLine three' });
  await call(admin, 'PUT', '/api/v1/docs/rooms', { title: 'Room booking', body: 'Line one\nLine 2\nLine three', note: 'Numbers' }, 200);
  const third = (await call(admin, 'PUT', '/api/v1/docs/rooms', { title: 'Booking rooms', body: 'Line one\nLine 2\nLine three\nLine four' }, 200)).json.page;
  assert.equal(third.revision, 3);
  assert.equal(third.slug, 'rooms', 'the address stays');
  const moved = (await call(admin, 'PUT', '/api/v1/docs/enrolment-checklist', { title: 'Enrolment checklist', body: 'Text, again' }, 200)).json.page;
  assert.equal(moved.parent.slug, 'enrolment-handbook', 'a parent left out stays');
  assert.equal(moved.audience, 'manager', 'an audience left out stays');
  assert.equal(moved.owner.username, 'mona', 'an owner left out stays');
  const revs = (await call(tokens.lea, 'GET', '/api/v1/docs/rooms/revisions', undefined, 200)).json;
  assert.deepEqual(revs.revisions.map((r) => r.number), [3, 2, 1]);
  assert.equal(revs.revisions[1].note, 'Numbers');
  const diff = (await call(tokens.lea, 'GET', '/api/v1/docs/rooms/diff?from=1&to=3', undefined, 200)).json;
  assert.deepEqual(diff.lines, [
    { op: 'same', text: 'Line one' }, { op: 'del', text: 'Line two' }, { op: 'add', text: 'Line 2' },
    { op: 'same', text: 'Line three' }, { op: 'add', text: 'Line four' },
  ]);
  await call(tokens.lea, 'GET', '/api/v1/docs/rooms/diff?from=1&to=9', undefined, 404);
  const restored = (await call(admin, 'POST', '/api/v1/docs/rooms/revisions/1/restore', undefined, 200)).json.page;
  assert.equal(restored.revision, 4);
  assert.equal(restored.body, 'Line one\nLine two\nLine three');
  assert.equal(restored.title, 'Room booking');
  const after = (await call(admin, 'GET', '/api/v1/docs/rooms/revisions', undefined, 200)).json.revisions;
  assert.equal(after[0].note, 'Restored revision 1');
  await call(admin, 'POST', '/api/v1/docs/rooms/revisions/99/restore', undefined, 404);
});

function multipart(file) {
  const boundary = '----lectern' + Math.random().toString(16).slice(2);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
    file.data, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const attach = (slug, file, token = admin) => api(server, 'POST', `/api/v1/docs/${slug}/attachments`, { token, ...multipart(file) });

test('files attached through the content store, with the course files\' type checks, for the page\'s readers only', async () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  let r = await attach('enrolment-checklist', { name: 'Form A.pdf', type: 'application/pdf', data: pdf });
  assert.equal(r.status, 201, show(r));
  const id = r.json.attachment.id;
  r = await attach('enrolment-checklist', { name: 'tool.exe', type: 'application/octet-stream', data: Buffer.from('MZ\x90\x00') });
  assert.equal(r.status, 422, show(r));
  assert.equal(r.json.error.field, 'file');
  r = await attach('enrolment-checklist', { name: 'fake.pdf', type: 'application/pdf', data: Buffer.from('not a pdf at all') });
  assert.equal(r.status, 422, show(r));
  const listed = (await call(tokens.mona, 'GET', '/api/v1/docs/enrolment-checklist', undefined, 200)).json.page.attachments;
  assert.deepEqual(listed.map((f) => [f.name, f.mime]), [['Form A.pdf', 'application/pdf']]);
  const got = await api(server, 'GET', `/api/v1/docs/enrolment-checklist/attachments/${id}`, { token: tokens.mona });
  assert.equal(got.status, 200);
  assert.match(got.headers['content-type'], /application\/pdf/);
  assert.match(got.headers['content-disposition'], /filename="Form_A.pdf"/);
  await call(tokens.lea, 'GET', `/api/v1/docs/enrolment-checklist/attachments/${id}`, undefined, 404);
  assert.equal((await attach('enrolment-checklist', { name: 'b.pdf', type: 'application/pdf', data: pdf }, tokens.mona)).status, 403);
  await call(admin, 'DELETE', `/api/v1/docs/enrolment-checklist/attachments/${id}`, undefined, 200);
  await call(tokens.mona, 'GET', `/api/v1/docs/enrolment-checklist/attachments/${id}`, undefined, 404);
});

test('an announcement links to a page at /docs/SLUG', async () => {
  const a = (await call(admin, 'POST', '/api/v1/announcements', { title: 'New checklist', body: 'Read [the checklist](/docs/enrolment-checklist).', audience: { site: true } }, 201)).json.announcement;
  assert.match(a.body_html, /<a href="\/docs\/enrolment-checklist">the checklist<\/a>/);
});

test('bad input names its field and keeps nothing', async () => {
  const before = (await call(admin, 'GET', '/api/v1/docs', undefined, 200)).json.pages.length;
  const cases = [
    [{ title: '' }, 'title'],
    [{ title: 'X', body: '' }, 'body'],
    [{ title: 'X', audience: 'learners' }, 'audience'],
    [{ title: 'X', review_on: '30/06/2027' }, 'review_on'],
    [{ title: 'X', parent: 'nowhere' }, 'parent'],
    [{ title: 'X', owner: 'lea' }, 'owner'],
    [{ title: 'X', slug: 'Bad Slug' }, 'slug'],
    [{ title: 'X', slug: 'new' }, 'slug'],
  ];
  for (const [body, field] of cases) {
    const r = await page(body, 422);
    assert.equal(r.json.error.field, field, `${JSON.stringify(body)}: ${show(r)}`);
  }
  assert.equal((await page({ title: 'Again', slug: 'rooms' }, 409)).json.error.field, 'slug');
  // A page cannot move under itself or a page under it.
  const loop = await call(admin, 'PUT', '/api/v1/docs/enrolment-handbook', { title: 'Enrolment handbook', body: 'x', parent: 'enrolment-checklist' }, 422);
  assert.equal(loop.json.error.field, 'parent');
  assert.equal((await call(admin, 'GET', '/api/v1/docs', undefined, 200)).json.pages.length, before);
  const raw = (await page({ title: 'Unsafe', body: '<script>alert(1)</script>\n[x](javascript:alert(1))' })).json.page;
  assert.ok(!/<script|javascript:/.test(raw.body_html), raw.body_html);
});

test('the owner is reminded once when the review date comes', async () => {
  await page({ title: 'Review me', owner: 'ivy', review_on: day(1) });
  await runReviewScan();
  assert.equal(sink.messages().filter((m) => m.to.includes('ivy@') && /Review due/.test(m.subject)).length, 0, 'not yet');
  await advanceClock(server, '2d');
  await runReviewScan();
  await runReviewScan();
  await poll(() => sink.messages().find((m) => m.to.includes('ivy@') && /Review due: Review me/.test(m.subject)), { timeoutMs: 20000, what: 'the review reminder' });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(sink.messages().filter((m) => m.to.includes('ivy@') && /Review due/.test(m.subject)).length, 1, 'once');
  admin = await signIn(server, 'admin', ADMIN_PASSWORD); // the clock moved past the sessions' idle expiry
  const p = (await call(admin, 'GET', '/api/v1/docs/review-me', undefined, 200)).json.page;
  assert.equal(p.review_due, true);
});

test('a page and the tree run a fixed number of queries', async () => {
  for (let i = 0; i < 10; i++) await page({ title: `Sub ${i}`, parent: 'enrolment-handbook' });
  for (const path of ['/docs/enrolment-checklist', '/docs', '/docs/enrolment-handbook/revisions']) {
    await api(server, 'GET', path, { token: admin, headers: { accept: 'text/html' } });
    const r = await api(server, 'GET', path, { token: admin, headers: { accept: 'text/html' } });
    assert.equal(r.status, 200, show(r));
    const n = Number(r.headers['x-lectern-queries']);
    assert.ok(n >= 1 && n <= 5, `${path}: ${n} queries`);
  }
});
