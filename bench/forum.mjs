// Discussions in `make bench` (docs/bench.md): before the rounds, the administrator fills the
// site forum through the API (once per dataset: a later run finds the threads by title and
// reuses them) with 30 short threads and one of 200 posts. The 'thread' row asks for the pages
// of that thread (50 posts a page) as random learners; the 'forum' row asks for the forum's
// page, with its unread counts, as random learners; 'thread-move' the thread's move page as
// administrators. Every request goes to loopback.

const LONG_TITLE = 'Bench thread of 200 posts';
const LONG_POSTS = 200;
const SHORT_THREADS = 30;

async function call(base, token, method, p, body) {
  const url = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`forum: ${base} is not on loopback`);
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`forum: ${method} ${p} answered ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

const POST_TEXT = 'A **reply** with a list:\n\n- check the forks\n- check the chains\n\nand a [link](https://example.org/guide).';

/** The long thread's id, making the site forum's threads when the dataset has none yet. */
export async function benchForum({ base, admin }) {
  const found = (await call(base, admin, 'GET', '/api/v1/forum')).threads.find((t) => t.title === LONG_TITLE);
  if (found) return found.id;
  for (let i = 1; i <= SHORT_THREADS; i++)
    await call(base, admin, 'POST', '/api/v1/forum/threads', { title: `Bench question ${i}`, body: `Question ${i}: ${POST_TEXT}` });
  const id = (await call(base, admin, 'POST', '/api/v1/forum/threads', { title: LONG_TITLE, body: POST_TEXT })).thread.id;
  for (let i = 2; i <= LONG_POSTS; i++) await call(base, admin, 'POST', `/api/v1/threads/${id}/posts`, { body: `${i}. ${POST_TEXT}` });
  return id;
}

/** The paths of the forum's rows: the long thread's four pages, the forum's page, or the
 *  thread's move page. */
export function forumPaths(kind, threadId) {
  if (kind === 'list') return ['/forum'];
  if (kind === 'move') return [`/threads/${threadId}/move`];
  return [1, 2, 3, 4].map((page) => `/threads/${threadId}?page=${page}`);
}
