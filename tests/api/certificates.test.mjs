// Certificates through the API: a course's template (bad input refused at its field), a
// certificate issued once when a learner completes the course (and a programme's when the
// course completing it is completed), the PDF with the person's name
// in Greek, Arabic or Chinese read back with pdftotext, the public verification answer (valid;
// unknown and revoked the same 404), revoking and reissuing by an administrator, who may
// download a certificate, and expiry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, show, signIn, adminToken, createUser, rawRequest } from '../lib/server.mjs';
import { advanceClock } from '../lib/clock.mjs';

const PW = 'Copper-Lantern-Orchard-47';
let server;
let admin;
let activity;
const tokens = {};
const people = [
  ['zoe', 'Ζωή', 'Παπαδάκη'],
  ['layla', 'ليلى', 'حداد'],
  ['ming', '李', '明'],
];

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

async function pdf(token, path) {
  const r = await rawRequest(server.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers['content-type'], body: r.body };
}

function pdfText(buf) {
  return execFileSync('pdftotext', ['-', '-'], { input: buf }).toString('utf8');
}

async function certificates(token) {
  return (await call(token, 'GET', '/api/v1/me/record', undefined, 200)).json.record.certificates;
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  await call(admin, 'POST', '/api/v1/courses', { code: 'CERT-1', title: 'Safe lifting', status: 'published' }, 201);
  const section = (await call(admin, 'POST', '/api/v1/courses/CERT-1/sections', { title: 'Part one' }, 201)).json.id;
  activity = (await call(admin, 'POST', '/api/v1/courses/CERT-1/activities', { section_id: section, kind: 'page', title: 'Read me', body: 'Text' }, 201)).json.activity.id;
  for (const [username, first, last] of people) {
    await createUser(server, { username, first_name: first, last_name: last, roles: ['learner'], password: PW }, admin);
    tokens[username] = await signIn(server, username, PW);
    await call(admin, 'POST', '/api/v1/courses/CERT-1/enrolments', { username, role: 'learner' }, 201);
  }
});
after(async () => { if (server) await server.stop(); });

test('a template with bad fields is refused at the field and nothing is saved', async () => {
  const good = { layout: 'landscape', title: 'Certificate', body: '{{name}} completed {{course}} on {{date}}.' };
  const cases = [
    [{ ...good, title: '' }, 'title'],
    [{ ...good, body: 'Hello {{username}}' }, 'body'],
    [{ ...good, body: 'Hello {{#name}}x{{/name}}' }, 'body'],
    [{ ...good, body: 'Unclosed {{name' }, 'body'],
    [{ ...good, layout: 'diagonal' }, 'layout'],
    [{ ...good, valid_days: '-3' }, 'valid_days'],
    [{ ...good, valid_days: 'soon' }, 'valid_days'],
  ];
  for (const [body, field] of cases) {
    const r = await call(admin, 'PUT', '/api/v1/courses/CERT-1/certificate', body);
    assert.ok(r.status === 422 || r.status === 400, `${JSON.stringify(body)}: ${show(r)}`);
    assert.equal(r.json.error.field, field, show(r));
  }
  assert.equal((await call(admin, 'GET', '/api/v1/courses/CERT-1/certificate', undefined, 200)).json.template, null);
  // Only administrators set templates.
  assert.equal((await call(tokens.zoe, 'PUT', '/api/v1/courses/CERT-1/certificate', good)).status, 403);
});

test('completing the course issues one certificate, whose PDF carries the name in any script', async () => {
  const saved = await call(admin, 'PUT', '/api/v1/courses/CERT-1/certificate', {
    layout: 'portrait', title: 'Certificate of {{course}}', body: '{{name}} completed {{course}} on {{date}}. Code {{code}}.', valid_days: '365',
  }, 200);
  assert.equal(saved.json.template.layout, 'portrait');
  const preview = await pdf(admin, '/api/v1/courses/CERT-1/certificate/preview');
  assert.equal(preview.status, 200);
  assert.match(pdfText(preview.body), /Safe lifting/);

  assert.deepEqual(await certificates(tokens.zoe), [], 'nothing before completion');
  for (const [username] of people) await call(tokens[username], 'GET', `/api/v1/courses/CERT-1/activities/${activity}`, undefined, 200);
  // Viewing again completes nothing new, so no second certificate.
  await call(tokens.zoe, 'GET', `/api/v1/courses/CERT-1/activities/${activity}`, undefined, 200);
  for (const [username, first, last] of people) {
    const list = await certificates(tokens[username]);
    assert.equal(list.length, 1, `${username}: ${JSON.stringify(list)}`);
    const cert = list[0];
    assert.equal(cert.status, 'valid');
    assert.match(cert.code, /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}$/);
    assert.ok(cert.expires_at, 'valid for 365 days');
    const file = await pdf(tokens[username], `/certificates/${cert.code}/pdf`);
    assert.equal(file.status, 200);
    assert.equal(file.type, 'application/pdf');
    const text = pdfText(file.body);
    assert.ok(text.includes(first) && text.includes(last), `${username}'s name in the PDF: ${text}`);
    assert.ok(text.includes(cert.code), 'the code in the PDF');
    assert.ok(text.includes(`/verify/${cert.code}`), 'the verification address in the PDF');
  }
  const codes = new Set();
  for (const [username] of people) codes.add((await certificates(tokens[username]))[0].code);
  assert.equal(codes.size, 3, 'every certificate has its own code');
  const listed = (await call(admin, 'GET', '/api/v1/courses/CERT-1/certificate', undefined, 200)).json.certificates;
  assert.equal(listed.length, 3);
});

test('a certificate is downloaded by its person and administrators only', async () => {
  const code = (await certificates(tokens.zoe))[0].code;
  assert.equal((await pdf(tokens.layla, `/certificates/${code}/pdf`)).status, 404);
  assert.equal((await pdf(admin, `/certificates/${code}/pdf`)).status, 200);
});

test('verification: valid with name, course and dates only; unknown and revoked alike', async () => {
  const code = (await certificates(tokens.zoe))[0].code;
  const ok = await call(undefined, 'GET', `/api/v1/verify/${code}`, undefined, 200);
  const v = ok.json.verification;
  assert.equal(v.state, 'valid');
  assert.equal(v.name, 'Ζωή Παπαδάκη');
  assert.equal(v.title, 'Safe lifting');
  assert.ok(v.completed_on && v.issued_on && v.expires_on);
  assert.deepEqual(Object.keys(v).sort(), ['code', 'completed_on', 'expires_on', 'issued_on', 'name', 'state', 'title']);
  assert.equal((await call(undefined, 'GET', `/api/v1/verify/${code.toLowerCase()}`, undefined, 200)).json.verification.state, 'valid');
  const page = await rawRequest(`${server.url}/verify/${code}`);
  assert.equal(page.status, 200);
  assert.match(page.body.toString('utf8'), /Ζωή Παπαδάκη/);

  const unknown = await call(undefined, 'GET', '/api/v1/verify/ABCDEFGHJKMNPQRS', undefined, 404);
  const garbage = await call(undefined, 'GET', '/api/v1/verify/nope', undefined, 404);
  assert.deepEqual(unknown.json, { verification: { state: 'not_valid' } });
  assert.deepEqual(garbage.json, unknown.json);

  const none = await call(admin, 'POST', `/api/v1/certificates/${code}/revoke`, { reason: '' });
  assert.equal(none.status, 422, show(none));
  assert.equal(none.json.error.field, 'reason');
  assert.equal((await call(tokens.zoe, 'POST', `/api/v1/certificates/${code}/revoke`, { reason: 'mine' })).status, 403);
  await call(admin, 'POST', `/api/v1/certificates/${code}/revoke`, { reason: 'Issued in error' }, 200);
  const revoked = await call(undefined, 'GET', `/api/v1/verify/${code}`, undefined, 404);
  assert.deepEqual(revoked.json, unknown.json, 'a revoked code answers as an unknown one');
  const revokedPage = (await rawRequest(`${server.url}/verify/${code}`)).body.toString('utf8');
  const unknownPage = (await rawRequest(`${server.url}/verify/ABCDEFGHJKMNPQRS`)).body.toString('utf8');
  assert.equal(revokedPage.replace(/nonce-[^'"]+/g, ''), unknownPage.replace(/nonce-[^'"]+/g, ''), 'the same page');
  assert.equal((await call(admin, 'POST', `/api/v1/certificates/${code}/revoke`, { reason: 'again' })).status, 409);
  assert.equal((await certificates(tokens.zoe))[0].status, 'revoked');
});

test('reissuing gives a new code for the same completion and keeps the old one revoked', async () => {
  const old = (await certificates(tokens.layla))[0];
  const r = await call(admin, 'POST', `/api/v1/certificates/${old.code}/reissue`, {}, 201);
  const fresh = r.json.certificate;
  assert.notEqual(fresh.code, old.code);
  assert.equal(fresh.state, 'valid');
  assert.equal(fresh.generation, 1);
  assert.equal((await call(undefined, 'GET', `/api/v1/verify/${fresh.code}`, undefined, 200)).json.verification.state, 'valid');
  assert.equal((await call(undefined, 'GET', `/api/v1/verify/${old.code}`)).status, 404);
  const list = await certificates(tokens.layla);
  assert.deepEqual(list.map((c) => c.status).sort(), ['revoked', 'valid']);
  const audit = (await call(admin, 'GET', '/api/v1/audit?action=record.certificate_reissue')).json;
  assert.equal(audit.items.length, 1, JSON.stringify(audit).slice(0, 400));
  assert.equal(audit.items[0].target_user, 'layla');
  assert.equal(audit.items[0].details.new_code, fresh.code);
});

test("a programme's template issues its certificate when the course that completes it is completed", async () => {
  await call(admin, 'POST', '/api/v1/courses', { code: 'CERT-2', title: 'Ladders', status: 'published' }, 201);
  const section = (await call(admin, 'POST', '/api/v1/courses/CERT-2/sections', { title: 'Part one' }, 201)).json.id;
  const page = (await call(admin, 'POST', '/api/v1/courses/CERT-2/activities', { section_id: section, kind: 'page', title: 'Read me', body: 'Text' }, 201)).json.activity.id;
  await call(admin, 'POST', '/api/v1/programmes', { code: 'HEIGHTS', title: 'Working at height', sets: [{ courses: ['CERT-2'], require: 'all' }] }, 201);
  const bad = await call(admin, 'PUT', '/api/v1/programmes/HEIGHTS/certificate', { title: 'Certificate', body: '{{nom}}' });
  assert.equal(bad.json.error.field, 'body', show(bad));
  assert.equal((await call(admin, 'PUT', '/api/v1/programmes/NOPE/certificate', { title: 'T', body: 'B' })).status, 404);
  await call(admin, 'PUT', '/api/v1/programmes/HEIGHTS/certificate', { title: 'Certificate', body: '{{name}} completed {{course}} on {{date}}.' }, 200);
  await createUser(server, { username: 'pia', first_name: 'Pia', last_name: 'Pole', roles: ['learner'], password: PW }, admin);
  tokens.pia = await signIn(server, 'pia', PW);
  await call(admin, 'POST', '/api/v1/programmes/HEIGHTS/assignments', { username: 'pia' }, 201);
  assert.deepEqual(await certificates(tokens.pia), []);
  await call(tokens.pia, 'GET', `/api/v1/courses/CERT-2/activities/${page}`, undefined, 200);
  const list = await certificates(tokens.pia);
  assert.equal(list.length, 1, JSON.stringify(list));
  assert.equal(list[0].detail, 'programme');
  assert.equal(list[0].title, 'Working at height');
  const v = (await call(undefined, 'GET', `/api/v1/verify/${list[0].code}`, undefined, 200)).json.verification;
  assert.equal(v.title, 'Working at height');
  assert.match(pdfText((await pdf(tokens.pia, `/certificates/${list[0].code}/pdf`)).body), /Pia Pole completed Working at height/);
  const listed = (await call(admin, 'GET', '/api/v1/programmes/HEIGHTS/certificate', undefined, 200)).json;
  assert.equal(listed.certificates.length, 1);
  assert.equal(listed.template.title, 'Certificate');
  // Stopping: no template, and what was issued stays valid.
  await call(admin, 'DELETE', '/api/v1/programmes/HEIGHTS/certificate', undefined, 204);
  assert.equal((await call(admin, 'GET', '/api/v1/programmes/HEIGHTS/certificate', undefined, 200)).json.template, null);
  assert.equal((await call(admin, 'DELETE', '/api/v1/programmes/HEIGHTS/certificate')).status, 404);
  assert.equal((await call(undefined, 'GET', `/api/v1/verify/${list[0].code}`, undefined, 200)).json.verification.state, 'valid');
  assert.equal((await pdf(tokens.pia, `/certificates/${list[0].code}/pdf`)).status, 200, 'drawn with the first words');
});

test('a certificate past its days of validity verifies as expired, with its dates', async () => {
  const code = (await certificates(tokens.ming))[0].code;
  await advanceClock(server, '366d');
  const v = (await call(undefined, 'GET', `/api/v1/verify/${code}`, undefined, 200)).json.verification;
  assert.equal(v.state, 'expired');
  assert.ok(v.expires_on);
  const page = (await rawRequest(`${server.url}/verify/${code}`)).body.toString('utf8');
  assert.match(page, /This certificate has expired\./);
});
