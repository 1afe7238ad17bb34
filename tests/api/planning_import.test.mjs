// Events from CSV for administrators: the upload page (linked from the rooms register) and its
// JSON twin, the same upload as `lectern event import`: a preview with every row's outcome and
// its errors by line and column, a commit refused while any row has an error, then every row
// written with one button and no JavaScript.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, signIn, rawRequest } from '../lib/server.mjs';
import { page, parseForms, formFields, actionPath, setCookie, unescapeHtml } from '../lib/html.mjs';

const PW = 'Amber-Falcon-Ridge-24';
let server;
let admin;

async function call(method, path, body, status) {
  const r = await api(server, method, path, { token: admin, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r.json;
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  await createUser(server, { username: 'uma', email: 'uma@example.com', first_name: 'Uma', last_name: 'Planner', roles: ['admin'], password: PW });
  await createUser(server, { username: 'leo', email: 'leo@example.com', first_name: 'Leo', last_name: 'Learner', roles: ['learner'], password: PW });
  await createUser(server, { username: 'ivy', email: 'ivy@example.com', first_name: 'Ivy', last_name: 'Trainer', roles: ['instructor'], password: PW });
  await call('POST', '/api/v1/courses', { code: 'UP-1', title: 'Forklift safety', kind: 'classroom', status: 'published' }, 201);
  await call('POST', '/api/v1/courses/UP-1/enrolments', { username: 'ivy', role: 'instructor' }, 201);
  await call('POST', '/api/v1/rooms', { name: 'Yard', site: 'Depot', capacity: 10 }, 201);
});
after(async () => { if (server) await server.stop(); });

const HEAD = 'course,title,start,end,timezone,room,seats,trainers\n';
const GOOD = HEAD + 'UP-1,Morning drive,2030-05-06 09:00,2030-05-06 12:00,Europe/London,Yard,8,ivy\n';
const BAD = GOOD + 'UP-1,Clock change,2030-03-31 01:15,2030-03-31 04:00,Europe/London,Yard,8,ivy\n';
const events = async () => (await call('GET', '/api/v1/courses/UP-1/events', undefined, 200)).events;

test('the JSON twin previews with located errors, refuses a commit with errors, then commits', async () => {
  let r = await api(server, 'POST', '/api/v1/events/import', { token: admin, body: {} });
  assert.equal(r.status, 422, show(r));
  assert.deepEqual([r.json.error.field, r.json.error.message], ['file', 'Choose a CSV file of events to upload.']);
  r = await api(server, 'POST', '/api/v1/events/import', { token: admin, body: { data: BAD } });
  assert.equal(r.status, 200, show(r));
  assert.deepEqual([r.json.n_create, r.json.n_errors, r.json.committed], [1, 1, false]);
  const bad = r.json.rows.find((x) => x.error);
  assert.equal(bad.line, 3);
  assert.equal(bad.errors[0].column, 'start');
  assert.match(bad.errors[0].message, /does not exist in Europe\/London/);
  r = await api(server, 'POST', '/api/v1/events/import', { token: admin, body: { data: BAD, commit: true } });
  assert.equal(r.status, 422, show(r));
  assert.deepEqual(await events(), [], 'nothing half-written');
  const leo = await signIn(server, 'leo', PW);
  assert.equal((await api(server, 'POST', '/api/v1/events/import', { token: leo, body: { data: GOOD } })).status, 403);
  r = await api(server, 'POST', '/api/v1/events/import', { token: admin, body: { data: GOOD, commit: true } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.committed, true);
  const [e] = await events();
  assert.deepEqual([e.title, e.starts_at, e.room.name, e.trainers], ['Morning drive', '2030-05-06T08:00:00Z', 'Yard', ['ivy']]);
});

test('the page: linked from the rooms register, previews a file with errors by line, commits with one button', async () => {
  const s = await page(server, 'GET', '/signin');
  const sf = parseForms(s.text).find((f) => f.inputs.some((i) => i.name === 'password'));
  const signin = await page(server, 'POST', actionPath(sf, '/signin'), { form: formFields(sf, { username: 'uma', password: PW }) });
  const cookie = `lectern_session=${setCookie(signin.headers, 'lectern_session').value}`;
  assert.match((await page(server, 'GET', '/admin/rooms', { cookie })).text, /href="\/admin\/events\/import"/);
  const p = await page(server, 'GET', '/admin/events/import', { cookie });
  assert.equal(p.status, 200);
  assert.match(p.text, /<h1[^>]*>Upload events<\/h1>/);
  const csrf = formFields(parseForms(p.text).find((f) => f.action === '/admin/events/import'))._csrf;
  const upload = async (csv) => {
    const boundary = '----lectern' + Math.random().toString(16).slice(2);
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="events.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
    const r = await rawRequest(server.url + '/admin/events/import', {
      method: 'POST', body, headers: { cookie, accept: 'text/html', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) },
    });
    return { status: r.status, html: r.body.toString('utf8') };
  };
  const wrong = await upload(BAD.replace(/Morning drive/, 'Afternoon drive').replace(/09:00/g, '14:00').replace(/12:00/g, '16:00'));
  assert.equal(wrong.status, 200);
  assert.match(wrong.html, /<td>3<\/td>.*<strong>start<\/strong>: 2030-03-31 01:15 does not exist in Europe\/London/);
  assert.ok(!parseForms(wrong.html).some((f) => f.inputs.some((i) => i.name === 'commit')), 'no commit button while a row has an error');
  const pre = await upload(GOOD.replace(/Morning drive/, 'Afternoon drive').replace(/09:00/g, '14:00').replace(/12:00/g, '16:00'));
  assert.match(pre.html, /1 to create/);
  assert.match(pre.html, /UP-1 2030-05-06 14:00 Afternoon drive/);
  const commitForm = parseForms(pre.html).find((f) => f.inputs.some((i) => i.name === 'commit'));
  assert.ok(commitForm, 'a commit form');
  const dataField = /<textarea name="data"[^>]*>([\s\S]*?)<\/textarea>/.exec(pre.html)[1];
  const r = await page(server, 'POST', '/admin/events/import', { cookie, form: { ...formFields(commitForm), data: unescapeHtml(dataField) } });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal(r.headers.location, '/admin/rooms');
  assert.deepEqual((await events()).map((e) => e.title), ['Morning drive', 'Afternoon drive']);
});
