// Discussions through the API (docs/communication.md): a course's forum is for its people and
// made on first use; threads list pinned first, then newest activity; replies page 50 at a
// time within five queries a page; Markdown through the safe renderer with size caps; the
// author's 30-minute edit window (on the test clock); a locked thread refuses posts; hidden
// posts vanish for learners but stay, marked, for moderators; moderation is audited; the
// site-wide forum is for everyone signed in; unread counts and mark all read; quoting;
// attachments checked like course files and served only to people who see the post; deleting,
// moving and reporting; questions-and-answers forums; search. Runs on either engine
// (LECTERN_TEST_PG).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser } from '../lib/server.mjs';
import { advanceClock } from '../lib/clock.mjs';

const PW = 'Forum-Password-2026-x';
let server, admin;
const tokens = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}
const startThread = (who, body, status = 201, code = 'FOR-1') =>
  call(tokens[who] ?? who, 'POST', `/api/v1/courses/${code}/forum/threads`, body, status);
const reply = (who, id, body, status = 201) => call(tokens[who] ?? who, 'POST', `/api/v1/threads/${id}/posts`, { body }, status);
const thread = async (who, id, page = 1) => (await call(tokens[who] ?? who, 'GET', `/api/v1/threads/${id}?page=${page}`, undefined, 200)).json;

async function signInAll() {
  for (const username of ['lea', 'leo', 'ivy', 'out']) tokens[username] = await signIn(server, username, PW);
}

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const [username, role] of [['lea', 'learner'], ['leo', 'learner'], ['ivy', 'instructor'], ['out', 'learner']])
    await createUser(server, { username, first_name: username, last_name: 'Test', email: `${username}@example.org`, roles: [role], password: PW }, admin);
  await call(admin, 'POST', '/api/v1/courses', { code: 'FOR-1', title: 'Forklift safety', status: 'published' }, 201);
  for (const [username, role] of [['lea', 'learner'], ['leo', 'learner'], ['ivy', 'instructor']])
    await call(admin, 'POST', '/api/v1/courses/FOR-1/enrolments', { username, role }, 201);
  await signInAll();
});
after(async () => { if (server) await server.stop(); });

test('the course forum is for its people; a thread starts with its first post, Markdown made safe', async () => {
  const empty = await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200);
  assert.deepEqual(empty.json.threads, [], 'no forum row yet: nothing to list');
  await call(tokens.out, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 403);
  await startThread('out', { title: 'Let me in', body: 'Hello' }, 403);
  await call(tokens.lea, 'GET', '/api/v1/courses/NOPE/forum', undefined, 404);

  const r = await startThread('lea', { title: 'Brake checks', body: 'How **often**? <script>alert(1)</script> [x](javascript:alert(1))' });
  const t = r.json;
  assert.equal(t.thread.title, 'Brake checks');
  assert.equal(t.thread.author, 'lea Test');
  assert.equal(t.posts.length, 1);
  assert.match(t.posts[0].body_html, /<strong>often<\/strong>/);
  assert.doesNotMatch(t.posts[0].body_html, /<script|javascript:/);
  const list = (await call(tokens.ivy, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json;
  assert.deepEqual(list.threads.map((x) => [x.title, x.posts]), [['Brake checks', 1]]);
  assert.equal(list.forum.moderator, true, 'the course\'s instructor moderates');
  await call(tokens.out, 'GET', `/api/v1/threads/${t.thread.id}`, undefined, 403);
});

test('bad input names the field and keeps nothing', async () => {
  const before = (await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.threads.length;
  const noTitle = await startThread('lea', { title: '', body: 'x' }, 422);
  assert.equal(noTitle.json.error.field, 'title');
  const noBody = await startThread('lea', { title: 'Empty', body: '' }, 422);
  assert.equal(noBody.json.error.field, 'body');
  const huge = await startThread('lea', { title: 'Huge', body: 'a'.repeat(20001) }, 0);
  assert.ok([413, 422].includes(huge.status), show(huge));
  const after = (await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.threads.length;
  assert.equal(after, before);
});

test('replies page 50 at a time, in at most five queries a page; the list shows newest activity first, pinned above', async () => {
  const a = (await startThread('leo', { title: 'Long one', body: 'Post 1' })).json.thread.id;
  for (let i = 2; i <= 55; i++) await reply(i % 2 ? 'lea' : 'ivy', a, `Post ${i}`);
  const b = (await startThread('lea', { title: 'Quiet one', body: 'Hi' })).json.thread.id;

  const first = await call(tokens.leo, 'GET', `/api/v1/threads/${a}`, undefined, 200);
  assert.equal(first.json.total, 55);
  assert.equal(first.json.posts.length, 50);
  const n = Number(first.headers['x-lectern-queries']);
  assert.ok(n >= 1 && n <= 5, `${n} queries`);
  const second = await thread('leo', a, 2);
  assert.deepEqual(second.posts.map((p) => p.body_html.replace(/<[^>]+>|\n/g, '')), ['Post 51', 'Post 52', 'Post 53', 'Post 54', 'Post 55']);
  await call(tokens.leo, 'GET', `/api/v1/threads/${a}?page=3`, undefined, 404);

  let titles = (await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.threads.map((x) => x.title);
  assert.deepEqual(titles.slice(0, 2), ['Quiet one', 'Long one']);
  await reply('leo', a, 'Bump');
  titles = (await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.threads.map((x) => x.title);
  assert.deepEqual(titles.slice(0, 2), ['Long one', 'Quiet one']);
  await call(tokens.lea, 'POST', `/api/v1/threads/${b}/moderate`, { action: 'pin' }, 403);
  await call(tokens.ivy, 'POST', `/api/v1/threads/${b}/moderate`, { action: 'pin' }, 200);
  const pinned = (await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.threads;
  assert.equal(pinned[0].title, 'Quiet one');
  assert.equal(pinned[0].pinned, true);
  const bad = await call(tokens.ivy, 'POST', `/api/v1/threads/${b}/moderate`, { action: 'delete' }, 422);
  assert.equal(bad.json.error.field, 'action');
});

test('a locked thread refuses posts with a clear error; unlocking opens it again; both audited', async () => {
  const id = (await startThread('lea', { title: 'Locks', body: 'Open?' })).json.thread.id;
  await call(tokens.ivy, 'POST', `/api/v1/threads/${id}/moderate`, { action: 'lock' }, 200);
  const refused = await reply('lea', id, 'Still there?', 409);
  assert.equal(refused.json.error.field, 'body');
  assert.match(refused.json.error.message, /locked/);
  assert.equal((await thread('lea', id)).posts.length, 1, 'nothing was kept');
  await call(tokens.ivy, 'POST', `/api/v1/threads/${id}/moderate`, { action: 'unlock' }, 200);
  await reply('lea', id, 'Still there?');
  const audit = await call(admin, 'GET', '/api/v1/audit?action=forum.lock', undefined, 200);
  assert.ok(JSON.stringify(audit.json).includes(`forum_thread:${id}`), show(audit));
});

test('a hidden post is gone for learners and marked for moderators', async () => {
  const t = (await startThread('leo', { title: 'Rude', body: 'Fine words' })).json.thread.id;
  const post = (await reply('lea', t, 'Rude words')).json.post_id;
  await call(tokens.leo, 'POST', `/api/v1/posts/${post}/hide`, { hidden: true }, 403);
  await call(tokens.ivy, 'POST', `/api/v1/posts/${post}/hide`, { hidden: true }, 200);
  const asLearner = await thread('leo', t);
  assert.equal(asLearner.total, 1);
  assert.ok(!JSON.stringify(asLearner).includes('Rude words'));
  const asModerator = await thread('ivy', t);
  assert.deepEqual(asModerator.posts.map((p) => p.hidden), [false, true]);
  const asAdmin = await thread(admin, t);
  assert.equal(asAdmin.posts.length, 2, 'administrators moderate every forum');
});

test('the author edits a post for 30 minutes, then not', async () => {
  const t = (await startThread('lea', { title: 'Typo', body: 'Teh brakes' })).json;
  const id = t.posts[0].id;
  assert.equal(t.posts[0].editable, true);
  await call(tokens.leo, 'PATCH', `/api/v1/posts/${id}`, { body: 'Hijacked' }, 403);
  await call(tokens.lea, 'PATCH', `/api/v1/posts/${id}`, { body: 'The brakes' }, 200);
  const shown = await thread('leo', t.thread.id);
  assert.match(shown.posts[0].body_html, /The brakes/);
  assert.ok(shown.posts[0].edited_at);
  assert.equal(shown.posts[0].editable, false);
  await advanceClock(server, '31m');
  await signInAll();
  const late = await call(tokens.lea, 'PATCH', `/api/v1/posts/${id}`, { body: 'Too late' }, 403);
  assert.match(late.json.error.message, /30 minutes/);
  assert.match((await thread('lea', t.thread.id)).posts[0].body_html, /The brakes/);
});

test('the site-wide forum is for everyone signed in; administrators moderate it', async () => {
  const t = (await call(tokens.out, 'POST', '/api/v1/forum/threads', { title: 'Hello all', body: 'Hi' }, 201)).json;
  assert.equal(t.thread.forum_path, '/forum');
  const list = (await call(tokens.lea, 'GET', '/api/v1/forum', undefined, 200)).json;
  assert.ok(list.threads.some((x) => x.title === 'Hello all'));
  assert.equal(list.forum.moderator, false);
  await call(tokens.ivy, 'POST', `/api/v1/threads/${t.thread.id}/moderate`, { action: 'lock' }, 403);
  await call(admin, 'POST', `/api/v1/threads/${t.thread.id}/moderate`, { action: 'lock' }, 200);
  await reply('lea', t.thread.id, 'Hi back', 409);
  const anon = await api(server, 'GET', '/api/v1/forum');
  assert.equal(anon.status, 401);
});

test('unread counts per person: a thread page marks what it showed read; the page without ?page= opens at the first unread; mark all read', async () => {
  await call(admin, 'POST', '/api/v1/courses', { code: 'FOR-U', title: 'Unread', status: 'published' }, 201);
  for (const [username, role] of [['lea', 'learner'], ['leo', 'learner'], ['ivy', 'instructor']])
    await call(admin, 'POST', '/api/v1/courses/FOR-U/enrolments', { username, role }, 201);
  const forum = async (who) => (await call(tokens[who], 'GET', '/api/v1/courses/FOR-U/forum', undefined, 200)).json;
  const t = (await startThread('lea', { title: 'Reading', body: 'First' }, 201, 'FOR-U')).json.thread.id;
  for (let i = 2; i <= 60; i++) await reply('ivy', t, `Post ${i}`);

  let leo = await forum('leo');
  assert.equal(leo.threads[0].unread, 60, 'never opened: every post is unread');
  assert.equal(leo.unread, 60);
  const first = await thread('leo', t);
  assert.equal(first.posts[0].unread, true);
  assert.equal((await forum('leo')).threads[0].unread, 10, 'page 1 showed 50 of 60');
  assert.equal((await thread('leo', t)).first_unread_page, 2);
  assert.equal((await forum('lea')).threads[0].unread, 59, 'the author read her own first post');

  // The page without ?page= is the one holding the first unread post, with its anchor.
  const html = await api(server, 'GET', `/threads/${t}`, { token: tokens.leo, headers: { accept: 'text/html' } });
  assert.equal(html.status, 200, show(html));
  assert.match(html.text, /<span id="unread"><\/span><article[^>]*id="post-\d+"/);
  assert.match(html.text, /Page 2 \/ 2/);
  assert.equal((await forum('leo')).threads[0].unread, 0);
  await reply('ivy', t, 'One more');
  assert.equal((await forum('leo')).threads[0].unread, 1);
  const again = await thread('leo', t, 2);
  assert.deepEqual(again.posts.filter((p) => p.unread).map((p) => p.body_html.replace(/<[^>]+>|\n/g, '')), ['One more']);

  // Mark all read: every thread of the forum, for this person only.
  await startThread('ivy', { title: 'Second', body: 'Hello' }, 201, 'FOR-U');
  assert.deepEqual((await forum('lea')).threads.map((x) => x.unread), [1, 60]);
  const r = await call(tokens.lea, 'POST', '/api/v1/courses/FOR-U/forum/read', {}, 200);
  assert.equal(r.json.read, true);
  assert.deepEqual((await forum('lea')).threads.map((x) => x.unread), [0, 0]);
  assert.equal((await forum('leo')).threads[0].unread, 1, 'nobody else is marked');
  await call(tokens.out, 'POST', '/api/v1/courses/FOR-U/forum/read', {}, 403);
  const n = Number((await call(tokens.leo, 'GET', '/api/v1/courses/FOR-U/forum', undefined, 200)).headers['x-lectern-queries']);
  assert.ok(n <= 5, `forum page: ${n} queries`);
  const m = Number((await call(tokens.leo, 'GET', `/api/v1/threads/${t}`, undefined, 200)).headers['x-lectern-queries']);
  assert.ok(m <= 5, `thread page writing its read row: ${m} queries`);
});

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
/** A reply with a file, as a browser's form sends it (multipart). */
async function replyWithFile(who, id, body, name, type, data) {
  const fd = new FormData();
  fd.append('body', body);
  fd.append('file', new Blob([data], { type }), name);
  const r = await fetch(`${server.url}/api/v1/threads/${id}/posts`, {
    method: 'POST', headers: { authorization: `Bearer ${tokens[who] ?? who}`, accept: 'application/json' }, body: fd,
  });
  const text = await r.text();
  return { status: r.status, json: JSON.parse(text), text };
}

test('quoting: ?quote=POST gives the post as Markdown quoted, in the JSON and in the reply box of the page', async () => {
  const t = (await startThread('lea', { title: 'Quotes', body: 'Line one\nLine **two**' })).json;
  const id = t.posts[0].id;
  const q = await thread('leo', t.thread.id);
  assert.equal(q.quote, undefined);
  const quoted = (await call(tokens.leo, 'GET', `/api/v1/threads/${t.thread.id}?page=1&quote=${id}`, undefined, 200)).json;
  assert.equal(quoted.quote, '> **lea Test** wrote:\n>\n> Line one\n> Line **two**\n\n');
  const page = await api(server, 'GET', `/threads/${t.thread.id}?page=1&quote=${id}`, { token: tokens.leo, headers: { accept: 'text/html' } });
  assert.match(page.text, /<textarea[^>]*id="body"[^>]*>&gt; \*\*lea Test\*\* wrote:/);
  assert.match(page.text, new RegExp(`href="/threads/${t.thread.id}\\?page=1&amp;quote=${id}#reply-form"`));
  // A hidden post cannot be quoted by someone who may not see it.
  const hidden = (await reply('ivy', t.thread.id, 'Secret')).json.post_id;
  await call(tokens.ivy, 'POST', `/api/v1/posts/${hidden}/hide`, { hidden: true }, 200);
  assert.equal((await call(tokens.leo, 'GET', `/api/v1/threads/${t.thread.id}?page=1&quote=${hidden}`, undefined, 200)).json.quote, undefined);
  assert.match((await call(tokens.ivy, 'GET', `/api/v1/threads/${t.thread.id}?page=1&quote=${hidden}`, undefined, 200)).json.quote, /Secret/);
  // The quoted reply is posted as written.
  await reply('leo', t.thread.id, `${quoted.quote}Agreed.`);
  const last = (await thread('leo', t.thread.id)).posts.at(-1);
  assert.match(last.body_html, /<blockquote>[\s\S]*Line one[\s\S]*<\/blockquote>[\s\S]*Agreed\./);
});

test('attachments: checked like course files, shown under the post, downloadable only by people who may see the post', async () => {
  const t = (await startThread('lea', { title: 'Files', body: 'Photos please' })).json.thread.id;
  const before = (await thread('lea', t)).total;
  const bad = await replyWithFile('ivy', t, 'Not a PDF', 'notes.pdf', 'application/pdf', Buffer.from('just text'));
  assert.equal(bad.status, 422, bad.text);
  assert.equal(bad.json.error.field, 'file');
  assert.equal((await thread('lea', t)).total, before, 'nothing was kept');

  const ok = await replyWithFile('ivy', t, 'Here is one', 'dot.png', 'image/png', PNG);
  assert.equal(ok.status, 201, ok.text);
  const post = (await thread('lea', t)).posts.find((p) => p.id === ok.json.post_id);
  assert.equal(post.attachment.name, 'dot.png');
  assert.equal(post.attachment.mime, 'image/png');
  assert.equal(post.attachment.size, PNG.length);
  const a = post.attachment.id;
  const got = await fetch(`${server.url}/api/v1/attachments/${a}`, { headers: { authorization: `Bearer ${tokens.lea}` } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);
  await call(tokens.out, 'GET', `/api/v1/attachments/${a}`, undefined, 403);
  await call(tokens.lea, 'GET', '/api/v1/attachments/999999', undefined, 404);
  await call(tokens.ivy, 'POST', `/api/v1/posts/${ok.json.post_id}/hide`, { hidden: true }, 200);
  await call(tokens.lea, 'GET', `/api/v1/attachments/${a}`, undefined, 404);
  const mod = await fetch(`${server.url}/api/v1/attachments/${a}`, { headers: { authorization: `Bearer ${tokens.ivy}` } });
  assert.equal(mod.status, 200, 'moderators still see the hidden post and its file');
});

test('moderators delete a post (a note for them, gone for others) and a thread; both audited', async () => {
  const t = (await startThread('lea', { title: 'To tidy', body: 'Opening' })).json.thread.id;
  const rude = (await replyWithFile('lea', t, 'Rude words', 'dot.png', 'image/png', PNG)).json.post_id;
  const attachment = (await thread('lea', t)).posts.find((p) => p.id === rude).attachment.id;
  await call(tokens.leo, 'DELETE', `/api/v1/posts/${rude}`, undefined, 403);
  await call(tokens.ivy, 'DELETE', `/api/v1/posts/${rude}`, undefined, 200);
  const asLearner = await thread('leo', t);
  assert.equal(asLearner.total, 1);
  assert.ok(!JSON.stringify(asLearner).includes('Rude words'));
  const asModerator = (await thread('ivy', t)).posts.find((p) => p.id === rude);
  assert.equal(asModerator.deleted, true);
  assert.equal(asModerator.body_html, '', 'the text is gone, not only hidden');
  assert.equal(asModerator.attachment, undefined);
  await call(tokens.ivy, 'GET', `/api/v1/attachments/${attachment}`, undefined, 404);
  await call(tokens.lea, 'PATCH', `/api/v1/posts/${rude}`, { body: 'Back' }, 404);
  await call(tokens.ivy, 'POST', `/api/v1/posts/${rude}/hide`, { hidden: false }, 404);
  const audit = await call(admin, 'GET', '/api/v1/audit?action=forum.delete', undefined, 200);
  assert.ok(JSON.stringify(audit.json).includes(`forum_post:${rude}`));

  await call(tokens.lea, 'DELETE', `/api/v1/threads/${t}`, undefined, 403);
  const gone = await call(tokens.ivy, 'DELETE', `/api/v1/threads/${t}`, undefined, 200);
  assert.equal(gone.json.forum_path, '/courses/FOR-1/forum');
  await call(tokens.ivy, 'GET', `/api/v1/threads/${t}`, undefined, 404);
  const list = (await call(tokens.ivy, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.threads;
  assert.ok(!list.some((x) => x.id === t));
  const audit2 = await call(admin, 'GET', '/api/v1/audit?action=forum.delete_thread', undefined, 200);
  assert.ok(JSON.stringify(audit2.json).includes(`forum_thread:${t}`));
});

test('any reader reports a post; the moderators see the count and the list, and resolve it (audited)', async () => {
  const t = (await startThread('lea', { title: 'Reported', body: 'Buy cheap watches' })).json;
  const post = t.posts[0].id;
  const noReason = await call(tokens.leo, 'POST', `/api/v1/posts/${post}/report`, { reason: '' }, 422);
  assert.equal(noReason.json.error.field, 'reason');
  await call(tokens.out, 'POST', `/api/v1/posts/${post}/report`, { reason: 'Spam' }, 403);
  await call(tokens.leo, 'POST', `/api/v1/posts/${post}/report`, { reason: 'Spam' }, 201);
  const twice = await call(tokens.leo, 'POST', `/api/v1/posts/${post}/report`, { reason: 'Spam!' }, 409);
  assert.equal(twice.json.error.field, 'reason');

  const forIvy = (await call(tokens.ivy, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json;
  assert.equal(forIvy.threads.find((x) => x.id === t.thread.id).reports, 1);
  assert.equal(forIvy.reports, 1);
  assert.equal((await call(tokens.leo, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.reports, 0, 'only moderators see reports');
  await call(tokens.leo, 'GET', '/api/v1/courses/FOR-1/forum/reports', undefined, 403);
  const reports = (await call(tokens.ivy, 'GET', '/api/v1/courses/FOR-1/forum/reports', undefined, 200)).json.reports;
  assert.equal(reports.length, 1);
  assert.equal(reports[0].reason, 'Spam');
  assert.equal(reports[0].reporter, 'leo Test');
  assert.equal(reports[0].post_author, 'lea Test');
  assert.equal(reports[0].href, `/threads/${t.thread.id}?page=1#post-${post}`);
  await call(tokens.leo, 'POST', `/api/v1/post-reports/${reports[0].id}/resolve`, {}, 403);
  await call(tokens.ivy, 'POST', `/api/v1/post-reports/${reports[0].id}/resolve`, {}, 200);
  await call(tokens.ivy, 'POST', `/api/v1/post-reports/${reports[0].id}/resolve`, {}, 404);
  assert.deepEqual((await call(tokens.ivy, 'GET', '/api/v1/courses/FOR-1/forum/reports', undefined, 200)).json.reports, []);
  const audit = await call(admin, 'GET', '/api/v1/audit?action=forum.report_resolve', undefined, 200);
  assert.ok(JSON.stringify(audit.json).includes(`forum_report:${reports[0].id}`));
  await call(tokens.leo, 'POST', `/api/v1/posts/${post}/report`, { reason: 'Still spam' }, 201);
});

test('a moderator moves a thread to another forum they moderate; its people there see it', async () => {
  for (const code of ['FOR-M2', 'FOR-M3']) await call(admin, 'POST', '/api/v1/courses', { code, title: `Course ${code}`, status: 'published' }, 201);
  await call(admin, 'POST', '/api/v1/courses/FOR-M2/enrolments', { username: 'ivy', role: 'instructor' }, 201);
  await call(admin, 'POST', '/api/v1/courses/FOR-M2/enrolments', { username: 'leo', role: 'learner' }, 201);
  const t = (await startThread('lea', { title: 'Wrong place', body: 'Hello' })).json.thread.id;
  await call(tokens.lea, 'POST', `/api/v1/threads/${t}/move`, { to: 'FOR-M2' }, 403);
  const notTheirs = await call(tokens.ivy, 'POST', `/api/v1/threads/${t}/move`, { to: 'FOR-M3' }, 403);
  assert.equal(notTheirs.json.error.field, 'to');
  await call(tokens.ivy, 'POST', `/api/v1/threads/${t}/move`, { to: 'NOPE' }, 404);
  await call(tokens.ivy, 'POST', `/api/v1/threads/${t}/move`, { to: 'site' }, 403);
  const none = await call(tokens.ivy, 'POST', `/api/v1/threads/${t}/move`, {}, 422);
  assert.equal(none.json.error.field, 'to');
  const same = await call(tokens.ivy, 'POST', `/api/v1/threads/${t}/move`, { to: 'FOR-1' }, 422);
  assert.equal(same.json.error.field, 'to');
  await call(tokens.ivy, 'POST', `/api/v1/threads/${t}/move`, { to: 'FOR-M2' }, 200);
  const moved = await thread('leo', t);
  assert.equal(moved.thread.course_code, 'FOR-M2');
  await call(tokens.lea, 'GET', `/api/v1/threads/${t}`, undefined, 403);
  const there = (await call(tokens.leo, 'GET', '/api/v1/courses/FOR-M2/forum', undefined, 200)).json.threads;
  assert.deepEqual(there.map((x) => x.title), ['Wrong place']);
  await call(admin, 'POST', `/api/v1/threads/${t}/move`, { to: 'site' }, 200);
  assert.equal((await thread('lea', t)).thread.forum_path, '/forum');
  const audit = await call(admin, 'GET', '/api/v1/audit?action=forum.move', undefined, 200);
  assert.ok(JSON.stringify(audit.json).includes(`forum_thread:${t}`));
});

test('a questions-and-answers forum: a learner sees the others\' replies only after posting their own', async () => {
  await call(admin, 'POST', '/api/v1/courses', { code: 'FOR-QA', title: 'Q and A', status: 'published' }, 201);
  for (const [username, role] of [['lea', 'learner'], ['leo', 'learner'], ['ivy', 'instructor']])
    await call(admin, 'POST', '/api/v1/courses/FOR-QA/enrolments', { username, role }, 201);
  await call(tokens.lea, 'POST', '/api/v1/courses/FOR-QA/forum/settings', { kind: 'qa' }, 403);
  const bad = await call(tokens.ivy, 'POST', '/api/v1/courses/FOR-QA/forum/settings', { kind: 'chat' }, 422);
  assert.equal(bad.json.error.field, 'kind');
  await call(tokens.ivy, 'POST', '/api/v1/courses/FOR-QA/forum/settings', { kind: 'qa' }, 200);
  const t = (await startThread('ivy', { title: 'Name three hazards', body: 'In the warehouse.' }, 201, 'FOR-QA')).json.thread.id;
  const leaPost = (await replyWithFile('lea', t, 'Forks, racks, spills', 'dot.png', 'image/png', PNG)).json.post_id;

  let seen = await thread('leo', t);
  assert.equal(seen.qa_waiting, true);
  assert.deepEqual(seen.posts.map((p) => p.author), ['ivy Test'], 'only the question');
  assert.equal(seen.total, 1);
  const forum = (await call(tokens.leo, 'GET', '/api/v1/courses/FOR-QA/forum', undefined, 200)).json;
  assert.equal(forum.forum.qa, true);
  assert.equal(forum.threads[0].posts, 1);
  assert.equal(forum.threads[0].answer_to_see, true);
  const attachment = (await thread('ivy', t)).posts.find((p) => p.id === leaPost).attachment.id;
  await call(tokens.leo, 'GET', `/api/v1/attachments/${attachment}`, undefined, 404);
  await call(tokens.leo, 'POST', `/api/v1/posts/${leaPost}/report`, { reason: 'x' }, 404);

  await reply('leo', t, 'Noise, dust, traffic');
  seen = await thread('leo', t);
  assert.equal(seen.qa_waiting, undefined);
  assert.deepEqual(seen.posts.map((p) => p.author), ['ivy Test', 'lea Test', 'leo Test']);
  assert.equal((await call(tokens.leo, 'GET', '/api/v1/courses/FOR-QA/forum', undefined, 200)).json.threads[0].answer_to_see, false);
  assert.equal((await thread('ivy', t)).posts.length, 3, 'moderators see all');
  const audit = await call(admin, 'GET', '/api/v1/audit?action=forum.settings', undefined, 200);
  assert.ok(JSON.stringify(audit.json).includes('"kind":"qa"') || JSON.stringify(audit.json).includes('qa'));
});

test('search: words as prefixes in titles and texts of the forums a person may read; hidden posts only for moderators; paged', async () => {
  await call(admin, 'POST', '/api/v1/courses', { code: 'FOR-S', title: 'Searchable', status: 'published' }, 201);
  for (const [username, role] of [['lea', 'learner'], ['ivy', 'instructor']])
    await call(admin, 'POST', '/api/v1/courses/FOR-S/enrolments', { username, role }, 201);
  const t = (await startThread('lea', { title: 'Zeppelin mooring', body: 'Where do we tie it?' }, 201, 'FOR-S')).json.thread.id;
  const hiddenPost = (await reply('ivy', t, 'Zeppelins need a mast')).json.post_id;
  await call(tokens.ivy, 'POST', `/api/v1/posts/${hiddenPost}/hide`, { hidden: true }, 200);
  await call(tokens.out, 'POST', '/api/v1/forum/threads', { title: 'Site talk', body: 'A zeppelin flew over the car park' }, 201);
  const search = async (who, q, where = '', page = 1) =>
    (await call(tokens[who] ?? who, 'GET', `/api/v1/forum/search?q=${encodeURIComponent(q)}&in=${where}&page=${page}`, undefined, 200)).json;

  const lea = await search('lea', 'zeppel');
  assert.deepEqual(lea.results.map((r) => r.thread_title).sort(), ['Site talk', 'Zeppelin mooring'], 'the title finds the opening post; the hidden reply is not found');
  assert.ok(lea.results.every((r) => !r.hidden));
  const mine = lea.results.find((r) => r.course_code === 'FOR-S');
  assert.match(mine.href, new RegExp(`^/threads/${t}\\?page=1#post-\\d+$`));
  assert.equal((await search('ivy', 'zeppelins mast', 'FOR-S')).results[0].hidden, true, 'moderators find hidden posts');
  assert.equal((await search('out', 'zeppel')).results.length, 1, 'not a course they are not in');
  assert.equal((await search('lea', 'zeppel', 'site')).total, 1);
  assert.equal((await search('lea', 'zeppel mooring tie')).total, 0, 'every word must match');
  const none = await call(tokens.lea, 'GET', '/api/v1/forum/search?q=%20!', undefined, 422);
  assert.equal(none.json.error.field, 'q');

  for (let i = 0; i < 22; i++) await reply('lea', t, `Quokka note ${i}`);
  const p1 = await search('lea', 'quokka', 'FOR-S');
  assert.equal(p1.total, 22);
  assert.equal(p1.results.length, 20);
  assert.equal((await search('lea', 'quokka', 'FOR-S', 2)).results.length, 2);
  const r = await call(tokens.lea, 'GET', '/api/v1/forum/search?q=quokka', undefined, 200);
  assert.ok(Number(r.headers['x-lectern-queries']) <= 5, r.headers['x-lectern-queries']);
  // An edited post is found by its new words; a deleted one no more.
  const edited = (await reply('lea', t, 'Wombat')).json.post_id;
  await call(tokens.lea, 'PATCH', `/api/v1/posts/${edited}`, { body: 'Platypus' }, 200);
  assert.equal((await search('lea', 'wombat')).total, 0);
  assert.equal((await search('lea', 'platypus')).total, 1);
  await call(tokens.ivy, 'DELETE', `/api/v1/posts/${edited}`, undefined, 200);
  assert.equal((await search('ivy', 'platypus')).total, 0);
});

test("followers are told of a new post once, as they chose; not its author, nor someone who stopped following", async () => {
  let t;
  // Earlier tests' posts may still be being told: count this thread's only.
  const told = async (who, n) => {
    for (let i = 0; i < 200; i++) {
      const list = (await call(tokens[who], 'GET', '/api/v1/me/notifications', undefined, 200)).json.notifications
        .filter((x) => x.type === 'forum_post' && x.link.startsWith(`/threads/${t}#`));
      if (list.length >= n) return list;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${who} was not told of ${n} posts`);
  };
  for (const who of ['lea', 'leo', 'ivy']) await call(tokens[who], 'PUT', '/api/v1/me/notifications/preferences', { forum_post: 'inapp' }, 200);
  await call(tokens.lea, 'POST', '/api/v1/courses/FOR-1/forum/follow', { follow: true }, 200);
  assert.equal((await call(tokens.lea, 'GET', '/api/v1/courses/FOR-1/forum', undefined, 200)).json.forum.following, true);
  t = (await startThread('leo', { title: 'Pallet heights', body: 'What is the limit?' })).json.thread.id;
  assert.equal((await thread('leo', t)).thread.following, true, 'starting a thread follows it');
  await told('lea', 1);
  await reply('ivy', t, 'Two metres.');
  const leo = await told('leo', 1);
  assert.match(leo[0].line, /Pallet heights/);
  assert.match(leo[0].link, new RegExp(`^/threads/${t}#post-`));
  await told('lea', 2);
  // Replying followed the thread for ivy; leo stops following it.
  await call(tokens.leo, 'POST', `/api/v1/threads/${t}/follow`, { follow: false }, 200);
  await reply('lea', t, 'Thanks!');
  await told('ivy', 1);
  const leoNow = await told('leo', 1);
  assert.equal(leoNow.length, 1, 'leo stopped following: nothing more ' + JSON.stringify(leoNow));
  assert.equal((await told('lea', 2)).length, 2, 'not told of her own post');
});
