// Certifications through the API, across more than a year on the test clock: bad settings
// refused with located errors; a learner certified on completion with an expiry a year on; the
// renewal window opening (seen on read before the scan runs); the scan archiving the completion
// in their history and enrolling them on the renewal path, once however often it runs; an early
// renewal keeping the expiry rhythm; the team plan showing the expiring and expired items.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, ADMIN_PASSWORD } from '../lib/server.mjs';
import { advanceClock, runRenewalScan } from '../lib/clock.mjs';
import { courseWithPage } from '../lib/courses.mjs';

const PW = 'Copper-Lantern-Orchard-47';
const DAY = 86400000;
let server;
let admin;
let role;
const pages = {};

async function call(token, method, path, body, status) {
  const r = await api(server, method, path, { token, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

/** Tokens again after the clock has moved (sessions may have expired), and the learner's plan. */
async function tokens() {
  admin = await signIn(server, 'admin', ADMIN_PASSWORD);
  return { eve: await signIn(server, 'eve', PW), max: await signIn(server, 'max', PW) };
}
const complete = (token, code) => call(token, 'GET', `/api/v1/courses/${code}/activities/${pages[code]}`, undefined, 200);
const plan = async (token) => (await call(token, 'GET', '/api/v1/me/plan', undefined, 200)).json;
const team = async (token) => (await call(token, 'GET', '/team/plan', undefined, 200)).json.items;
const days = (a, b) => Math.round((Date.parse(b) - Date.parse(a)) / DAY);

before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  for (const code of ['SAFE-FULL', 'SAFE-REFRESH']) pages[code] = await courseWithPage(server, admin, code);
  role = (await call(admin, 'POST', '/api/v1/job-roles', { name: 'Electrician' }, 201)).json.job_role.id;
  await createUser(server, { username: 'max', first_name: 'Max', last_name: 'Manager', roles: ['manager'], password: PW }, admin);
  await createUser(server, { username: 'eve', first_name: 'Eve', last_name: 'Learner', roles: ['learner'], password: PW }, admin);
  await call(admin, 'PATCH', '/api/v1/users/eve/profile', { job_role_id: role, manager: 'max' }, 200);
});
after(async () => { if (server) await server.stop(); });

test('bad certification settings are refused, naming the field, and nothing is written', async () => {
  const sets = [{ courses: ['SAFE-FULL'] }];
  const cases = [
    [{ valid_days: 365, renew_window_days: 365 }, 'certification.renew_window_days', /less than the validity/],
    [{ valid_until: '02-30', renew_window_days: 30 }, 'certification.valid_until', /MM-DD/],
    [{ valid_days: 365, valid_until: '03-31' }, 'certification.valid_until', /not both/],
    [{ renew_window_days: 30 }, 'certification.valid_days', /valid_days/],
    [{ valid_days: 365, rhythm: 'sometimes' }, 'certification.rhythm', /expiry.*completion/],
    [{ valid_days: 365, renewal_sets: [{ courses: ['NO-SUCH'] }] }, 'certification.renewal_sets[0]', /Renewal set 1.*NO-SUCH/],
  ];
  for (const [certification, field, message] of cases) {
    const r = await call(admin, 'POST', '/api/v1/programmes', { code: 'BAD', title: 'Bad', sets, certification }, 422);
    assert.equal(r.json.error.field, field, JSON.stringify(certification));
    assert.match(r.json.error.message, message);
  }
  await call(admin, 'GET', '/api/v1/programmes/BAD', undefined, 404);
});

test('certified, renewal open, renewed early on the refresher keeping the rhythm, then expired: history kept', async () => {
  const created = await call(admin, 'POST', '/api/v1/programmes', {
    code: 'ELEC', title: 'Electrical safety', sets: [{ courses: ['SAFE-FULL'] }],
    certification: { valid_days: 365, renew_window_days: 30, renewal_sets: [{ courses: ['SAFE-REFRESH'] }] },
  }, 201);
  assert.deepEqual(created.json.programme.certification, { valid_days: 365, valid_until: null, renew_window_days: 30, rhythm: 'expiry' });
  assert.deepEqual(created.json.programme.sets.map((s) => s.renewal), [false, true]);
  await call(admin, 'POST', '/api/v1/programmes/ELEC/assignments', { job_role_id: role }, 201);
  let t = await tokens();
  let [item] = (await plan(t.eve)).programmes;
  assert.equal(item.state, 'assigned');
  assert.equal(item.certification, true);
  assert.equal(item.expires_at, null);
  assert.equal(item.next.code, 'SAFE-FULL');

  await complete(t.eve, 'SAFE-FULL');
  [item] = (await plan(t.eve)).programmes;
  assert.equal(item.state, 'certified');
  const firstExpiry = item.expires_at;
  assert.equal(days(item.completed_at, firstExpiry), 365);
  assert.deepEqual(await team(t.max), [], 'nothing due or expiring yet');

  // 340 days on: the window (30 days before expiry) is open, on read, before any scan.
  await advanceClock(server, '340d');
  t = await tokens();
  [item] = (await plan(t.eve)).programmes;
  assert.equal(item.state, 'renewal_open');
  assert.equal(item.expires_at, firstExpiry, 'still certified until it expires');
  let [row] = await team(t.max);
  assert.equal(row.username, 'eve');
  assert.equal(row.state, 'renewal_open');
  assert.equal(row.expiring, true);

  // The scan archives the completion and enrols her on the refresher, once.
  assert.equal((await runRenewalScan(server)).result.renewed, 1);
  assert.equal((await runRenewalScan(server)).result.renewed, 0);
  const afterScan = await plan(t.eve);
  [item] = afterScan.programmes;
  assert.equal(item.state, 'renewal_open');
  assert.equal(item.cycle, 1);
  assert.equal(item.next.code, 'SAFE-REFRESH', 'the renewal path, not the full course');
  assert.equal(afterScan.history.length, 1);
  assert.equal(afterScan.history[0].code, 'ELEC');
  assert.equal(afterScan.history[0].expires_at, firstExpiry);
  assert.equal(afterScan.history[0].score, null);
  const enrolled = (await call(admin, 'GET', '/api/v1/courses/SAFE-REFRESH/enrolments', undefined, 200)).json.items;
  assert.ok(enrolled.some((e) => e.username === 'eve'));

  // Renewed ten days before expiry: the new expiry is a year after the old one, not after today.
  await complete(t.eve, 'SAFE-REFRESH');
  [item] = (await plan(t.eve)).programmes;
  assert.equal(item.state, 'certified');
  assert.equal(days(firstExpiry, item.expires_at), 365);
  const secondExpiry = item.expires_at;
  const listed = (await call(admin, 'GET', '/api/v1/programmes/ELEC/assignments', undefined, 200)).json.items;
  assert.equal(listed[0].state, 'certified');
  assert.equal(listed[0].expires_at, secondExpiry);

  // Past the second expiry without renewing: expired, first in the team plan; history holds both.
  await advanceClock(server, '400d');
  t = await tokens();
  [item] = (await plan(t.eve)).programmes;
  assert.equal(item.state, 'expired');
  assert.equal((await runRenewalScan(server)).result.renewed, 1);
  const last = await plan(t.eve);
  assert.equal(last.programmes[0].state, 'expired');
  assert.deepEqual(last.history.map((h) => h.expires_at), [secondExpiry, firstExpiry]);
  [row] = await team(t.max);
  assert.equal(row.state, 'expired');
  assert.equal(row.overdue, true);
});
