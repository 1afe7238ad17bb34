// The course upload from CSV as a page and its JSON twin, with the preview/commit shape of the
// user upload: send the file, see every row's outcome (errors by line and column), then write
// every row or none. Works without JavaScript (the preview carries the file to the commit).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser, signIn } from '../lib/server.mjs';
import { page, parseForms, formFields, actionPath, setCookie } from '../lib/html.mjs';

let server;
let admin;
const PW = 'Amber-Falcon-Ridge-24';
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'uma', email: 'uma@example.com', first_name: 'Uma', last_name: 'Uploader', roles: ['admin'], password: PW });
  await createUser(server, { username: 'leo', email: 'leo@example.com', first_name: 'Leo', last_name: 'Learner', roles: ['learner'], password: PW });
});
after(async () => { if (server) await server.stop(); });

const GOOD = 'shortname,fullname,category,summary,visible,startdate,enddate,colour\n'
  + 'WEB-101,Web upload one,Health / Fire,Know the **exits**,1,2027-01-10,2027-03-31,red\n'
  + 'WEB-102,Web upload two,Warehouse,,0,1798761600,,blue\n';
const BAD = 'shortname,fullname,startdate,enddate\nWEB-201,Bad dates,2027-05-01,2027-04-01\nWEB-202,Fine,,\n';
const post = (body, token = admin) => api(server, 'POST', '/api/v1/courses/import', { token, body });

test('the JSON twin previews, refuses a commit with errors, then commits', async () => {
  let r = await post({ data: GOOD });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.n_create, 2);
  assert.equal(r.json.committed, false);
  assert.deepEqual(r.json.unknown, ['colour']);
  assert.equal((await api(server, 'GET', '/api/v1/courses/WEB-101', { token: admin })).status, 404, 'a preview writes nothing');
  r = await post({ data: BAD });
  assert.equal(r.status, 200);
  assert.equal(r.json.n_errors, 1);
  const bad = r.json.rows.find((x) => x.error);
  assert.equal(bad.line, 2);
  assert.equal(bad.errors[0].column, 'enddate');
  r = await post({ data: BAD, commit: true });
  assert.equal(r.status, 422, show(r));
  assert.equal((await api(server, 'GET', '/api/v1/courses/WEB-202', { token: admin })).status, 404, 'nothing half-written');
  r = await post({ data: GOOD, commit: true });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.committed, true);
  assert.equal((await api(server, 'GET', '/api/v1/courses/WEB-101', { token: admin })).json.course.category, 'Health / Fire');
  const leo = await signIn(server, 'leo', PW);
  assert.equal((await post({ data: GOOD }, leo)).status, 403);
});

test('the page: upload, preview with located errors, commit with one button (no JavaScript)', async () => {
  const s = await page(server, 'GET', '/signin');
  const sf = parseForms(s.text).find((f) => f.inputs.some((i) => i.name === 'password'));
  const signin = await page(server, 'POST', actionPath(sf, '/signin'), { form: formFields(sf, { username: 'uma', password: PW }) });
  const cookie = `lectern_session=${setCookie(signin.headers, 'lectern_session').value}`;
  const p = await page(server, 'GET', '/admin/courses/import', { cookie });
  assert.equal(p.status, 200);
  const csrf = formFields(parseForms(p.text).find((f) => f.action === '/admin/courses/import'))._csrf;
  // the browser sends the file as multipart
  const boundary = '----lectern' + Math.random().toString(16).slice(2);
  const csv = GOOD.replace(/WEB-10/g, 'PAGE-10');
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="courses.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`);
  const { rawRequest } = await import('../lib/server.mjs');
  const pre = await rawRequest(server.url + '/admin/courses/import', {
    method: 'POST', body, headers: { cookie, accept: 'text/html', 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) },
  });
  const html = pre.body.toString('utf8');
  assert.equal(pre.status, 200, html.slice(0, 400));
  assert.match(html, /PAGE-101/);
  assert.match(html, /2 to create/);
  const commitForm = parseForms(html).find((f) => f.inputs.some((i) => i.name === 'commit'));
  assert.ok(commitForm, 'a commit form');
  const dataField = /<textarea name="data"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)[1];
  const { unescapeHtml } = await import('../lib/html.mjs');
  const r = await page(server, 'POST', '/admin/courses/import', { cookie, form: { ...formFields(commitForm), data: unescapeHtml(dataField) } });
  assert.equal(r.status, 303, r.text.slice(0, 400));
  assert.equal((await api(server, 'GET', '/api/v1/courses/PAGE-102', { token: admin })).json.course.title, 'Web upload two');
});
