// Requests to the administrators in `make bench` (docs/bench.md): before the queue's row, the
// queue is filled to `n` open requests (a new course each, needed on days spread over the next
// months) through the API, once: later rounds find them there. Every request goes to loopback.

async function call(base, token, method, p, body) {
  const url = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`requests: ${base} is not on loopback`);
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`requests: ${method} ${p} answered ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** Files requests until n are open in the queue; returns how many were filed. */
export async function openRequests({ base, admin, n = 100 }) {
  const open = (await call(base, admin, 'GET', '/api/v1/requests')).queue.length;
  const day = (i) => new Date(Date.now() + (7 + (i % 90)) * 86400000).toISOString().slice(0, 10);
  for (let i = open; i < n; i++) {
    await call(base, admin, 'POST', '/api/v1/requests', {
      kind: 'course', title: `Bench course request ${i + 1}`, course_kind: 'classroom', needed_by: day(i),
      notes: 'Filed by the benchmark.',
    });
  }
  return Math.max(0, n - open);
}
