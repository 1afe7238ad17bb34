// Process documents in `make bench` (docs/bench.md): before the document page's row, a handbook
// and a checklist under it (200 lines of Markdown, for everyone) are written through the API
// if they are not there yet, so learners read a page with its path above and pages beside.
// Every request goes to loopback.

async function call(base, token, method, p, body) {
  const url = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`docs: ${base} is not on loopback`);
  const r = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (r.status === 404 && method === 'GET') return null;
  if (r.status >= 300) throw new Error(`docs: ${method} ${p} answered ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

/** Writes the bench's pages unless they exist; the checklist's address is /docs/bench-checklist. */
export async function docPages({ base, admin }) {
  if (await call(base, admin, 'GET', '/api/v1/docs/bench-checklist')) return;
  const lines = Array.from({ length: 200 }, (_, i) => `${i + 1}. Step ${i + 1}: check **item ${i + 1}** and note it in [the handbook](/docs/bench-handbook).`);
  await call(base, admin, 'POST', '/api/v1/docs', { slug: 'bench-handbook', title: 'Bench handbook', body: '# Handbook\n\nHow we work.', audience: 'everyone' });
  for (let i = 0; i < 5; i++) await call(base, admin, 'POST', '/api/v1/docs', { title: `Bench section ${i + 1}`, body: 'A section.', parent: 'bench-handbook', audience: 'everyone' });
  await call(base, admin, 'POST', '/api/v1/docs', { slug: 'bench-checklist', title: 'Bench checklist', body: lines.join('\n'), parent: 'bench-handbook', audience: 'everyone' });
}
