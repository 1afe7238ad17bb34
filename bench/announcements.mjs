// Announcements in `make bench` (docs/bench.md): the learner dashboard with three live
// announcements, run right after the dashboard without them ('dashboard-announcements': the
// three are published before its run and ended after it, so every other row and round sees none),
// and the fan-out of an emailed announcement to everyone ('announcement-fanout'): an
// administrator publishes it with email, and the run waits until every person with an address
// has their message queued in the outbox, once (the API's `emailed` count, kept by a key of one
// row a person, must come to the audience and stay there). Every request goes to loopback.

const POLL_MS = 250;
const FANOUT_LIMIT_MS = 10 * 60 * 1000;

async function call(base, token, method, p, body) {
  const url = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`announcements: ${base} is not on loopback`);
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (r.status >= 300) throw new Error(`announcements: ${method} ${p} answered ${r.status}: ${text.slice(0, 200)}`);
  return json;
}

/** Publishes n site-wide announcements (one pinned, one important) and returns the function
 *  that ends them. */
export async function liveAnnouncements({ base, admin, n = 3 }) {
  const ids = [];
  for (let i = 0; i < n; i++) {
    const a = await call(base, admin, 'POST', '/api/v1/announcements', {
      title: `Bench notice ${i + 1}`, body: `A **notice** for the benchmark, number ${i + 1}.`,
      audience: { site: true }, pinned: i === 0, importance: i === 1 ? 'important' : 'information',
    });
    ids.push(a.announcement.id);
  }
  return async () => { for (const id of ids) await call(base, admin, 'DELETE', `/api/v1/announcements/${id}`); };
}

/** Publishes an emailed announcement to everyone and waits until its messages are queued.
 *  Returns { audience, emailed, queuedS, overshoot } (overshoot: more recorded than people). */
export async function announcementFanout({ base, admin, log = () => {} }) {
  const t0 = Date.now();
  const a = (await call(base, admin, 'POST', '/api/v1/announcements', {
    title: 'Bench fan-out', body: 'Everyone gets this once.', audience: { site: true }, email: true,
  })).announcement;
  let emailed = 0, last = -1, stableSince = Date.now(), queuedS = NaN;
  for (;;) {
    const now = (await call(base, admin, 'GET', `/api/v1/announcements/${a.id}`)).announcement;
    emailed = now.emailed;
    if (emailed !== last) { last = emailed; stableSince = Date.now(); }
    // Everyone with an address has a message once the count stops growing at the audience
    // (people without an address are not counted).
    if (emailed >= now.audience_size || (emailed > 0 && Date.now() - stableSince > 5000)) {
      queuedS = (stableSince - t0) / 1000;
      break;
    }
    if (Date.now() - t0 > FANOUT_LIMIT_MS) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  log(`announcement fan-out: ${emailed} of ${a.audience_size} queued in ${queuedS.toFixed(1)} s`);
  await call(base, admin, 'DELETE', `/api/v1/announcements/${a.id}`);
  return { audience: a.audience_size, emailed, queuedS, overshoot: Math.max(0, emailed - a.audience_size) };
}
