// Sign-in and answer saves while a large user import commits (bench scenario 'import-load'):
// an administrator uploads ROWS new people and commits them (a job writes them in chunks of
// short transactions); meanwhile WORKERS loops each sign in (POST /api/v1/sessions) and save a
// quiz answer (PUT /api/v1/attempts/ID/answers), one after the other, until the commit has
// finished. Reports, per step, the requests, the errors (anything but 201 / 200: must be none)
// and the latencies. Every request goes to 127.0.0.1 and times out after 30 s; the run stops by
// itself once the import is done, or after 10 minutes.
import http from 'node:http';
import { responseFor } from './quiz_burst.mjs';

const REQUEST_TIMEOUT_MS = 30000;
const RUN_LIMIT_MS = 10 * 60 * 1000;
const PASSWORD = 'Bench-Import-Load-42';

/** The import's size for a dataset size: the full 100,000 rows at L, fewer below. */
export const importRows = (size, smoke) => (smoke ? 1000 : { S: 10000, M: 30000, L: 100000 }[size] || 10000);

function client(base) {
  const url = new URL(base);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`import load: ${base} is not on loopback`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const request = (method, p, token, body, type = 'application/json') => new Promise((resolve) => {
    const payload = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const t0 = process.hrtime.bigint();
    const headers = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload) { headers['content-type'] = type; headers['content-length'] = payload.length; }
    const req = http.request({ host: url.hostname, port: url.port, path: p, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => resolve({ status: 0, ms: 0, text: err.message }));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (err) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, text: err.message }));
    if (payload) req.write(payload);
    req.end();
  });
  return { request, close: () => agent.destroy() };
}

function multipartCsv(csv) {
  const boundary = `lectern${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(csv), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

function peopleCsv(rows, prefix) {
  const lines = ['username,firstname,lastname,email,idnumber,city'];
  for (let i = 1; i <= rows; i++) lines.push(`${prefix}${i},Ana,Silva,${prefix}${i}@example.net,${prefix}-${i},Lisbon`);
  return lines.join('\n') + '\n';
}

const json = (r) => { try { return JSON.parse(r.text); } catch { return null; } };

/** Runs one import with the loops alongside. data: the burst course (readBurstData); admin: an
 *  administrator's session token. Resolves { rows, wallS, importS, workers, steps: { signin,
 *  save }, errorSamples }. */
export async function importLoad({ base, data, admin, rows, workers = 4, log = () => {} }) {
  const { request, close } = client(base);
  const steps = { signin: { requests: 0, errors: 0, lat: [] }, save: { requests: 0, errors: 0, lat: [] } };
  const errorSamples = [];
  const record = (step, r, ok, what) => {
    const s = steps[step];
    s.requests++;
    if (r.status === ok) { s.lat.push(r.ms); return; }
    s.errors++;
    if (errorSamples.length < 8) errorSamples.push(`${step}: ${what}: ${r.status} ${r.text.slice(0, 200)}`);
  };
  const tag = `il${Date.now().toString(36)}`;
  // Who signs in: one account with a known password, made for this run.
  let r = await request('POST', '/api/v1/users', admin, { username: tag, email: `${tag}@example.net`, first_name: 'Import', last_name: 'Load', roles: ['learner'], password: PASSWORD });
  if (r.status !== 201) throw new Error(`import load: cannot create the signing-in account: ${r.status} ${r.text.slice(0, 200)}`);
  // Who saves answers: the first learners of the burst course, each with an attempt.
  const savers = [];
  for (const token of data.tokens.slice(0, workers)) {
    r = await request('POST', `/api/v1/courses/${encodeURIComponent(data.code)}/quizzes/${data.quizId}/attempts`, token, {});
    const attempt = json(r) && json(r).attempt;
    if (![200, 201].includes(r.status) || !attempt) throw new Error(`import load: cannot start an attempt: ${r.status} ${r.text.slice(0, 200)}`);
    const q = attempt.questions.find((x) => responseFor(x, Math.random) !== null);
    savers.push({ token, attempt: attempt.id, slot: q.slot, response: responseFor(q, () => 0.5) });
  }
  const up = multipartCsv(peopleCsv(rows, tag));
  r = await request('POST', '/api/v1/user-imports', admin, up.body, up.type);
  const imp = json(r) && json(r).import;
  if (r.status !== 201 || !imp) throw new Error(`import load: the upload failed: ${r.status} ${r.text.slice(0, 200)}`);
  const t0 = Date.now();
  r = await request('POST', `/api/v1/user-imports/${imp.id}/commit`, admin, { valid_only: false });
  if (r.status !== 202) throw new Error(`import load: the commit was not queued: ${r.status} ${r.text.slice(0, 200)}`);
  let status = 'committing';
  let importS = NaN;
  const watch = (async () => {
    while (status === 'committing' && Date.now() - t0 < RUN_LIMIT_MS) {
      await new Promise((res) => setTimeout(res, 200));
      const w = await request('GET', `/api/v1/user-imports/${imp.id}`, admin);
      status = (json(w) && json(w).import && json(w).import.status) || status;
    }
    importS = (Date.now() - t0) / 1000;
  })();
  const loops = savers.map(async (s) => {
    while (status === 'committing' && Date.now() - t0 < RUN_LIMIT_MS) {
      record('signin', await request('POST', '/api/v1/sessions', null, { username: tag, password: PASSWORD }), 201, 'POST /api/v1/sessions');
      record('save', await request('PUT', `/api/v1/attempts/${s.attempt}/answers`, s.token, { answers: { [String(s.slot)]: s.response }, page: 0 }), 200,
        `PUT answers of attempt ${s.attempt}`);
    }
  });
  const progress = setInterval(() => log(`import load: ${steps.signin.requests} sign-ins, ${steps.save.requests} saves, ` +
    `${steps.signin.errors + steps.save.errors} errors`), 5000);
  await Promise.all([watch, ...loops]);
  clearInterval(progress);
  close();
  if (status !== 'committed') errorSamples.push(`the import ended ${status}`);
  return { rows, importS, wallS: (Date.now() - t0) / 1000, workers: savers.length, steps, errorSamples, committed: status === 'committed' };
}
