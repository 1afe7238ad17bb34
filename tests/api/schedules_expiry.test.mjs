// A certification's expiry brought in by `lectern completion import` warns like one earned in
// Lectern, on the programme's own warning days, across time on the test clock: the file's
// expiry becomes the assignment's; 45 and 10 days before it one warning each reaches the SMTP
// sink, however often the scan runs; a person the programme's rules do not match keeps the
// completion as history and is not warned.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { startServer, api, show, signIn, adminToken, createUser, lecternBin, poll, ADMIN_PASSWORD } from '../lib/server.mjs';
import { startSmtpSink } from '../lib/smtp.mjs';
import { advanceClock, runReminderScan } from '../lib/clock.mjs';

const PW = 'Tidal-Pepper-Quarry-64';
const DAY = 86400000;
let server;
let sink;
let admin;

const day = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const warnings = (username) => sink.messages().filter((m) => (m.to || '').includes(`${username}@example.org`) && /^Certification expiring/.test(m.subject || ''));

async function call(method, path, body, status) {
  const r = await api(server, method, path, { token: admin, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r;
}

/** The scan now, and every message it queued out of the outbox. */
async function scan() {
  await runReminderScan(server);
  admin = await signIn(server, 'admin', ADMIN_PASSWORD); // the clock may have moved past the session's lifetime
  await poll(async () => (await call('GET', '/api/v1/mail/outbox?state=queued', undefined, 200)).json.items.length === 0,
    { timeoutMs: 20000, intervalMs: 200, what: 'the outbox emptied' });
}

before(async () => {
  sink = await startSmtpSink();
  server = await startServer();
  admin = await adminToken(server);
  await call('PATCH', '/api/v1/settings/mail', {
    smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', from_address: 'training@example.org', site_url: server.url,
  }, 200);
  await call('POST', '/api/v1/courses', { code: 'GAS-1', title: 'Gas safety', status: 'published' }, 201);
  const role = (await call('POST', '/api/v1/job-roles', { name: 'Gas fitter' }, 201)).json.job_role.id;
  for (const username of ['gil', 'hal']) {
    await createUser(server, { username, first_name: username, last_name: 'Fitter', email: `${username}@example.org`, roles: ['learner'], password: PW }, admin);
  }
  await call('PATCH', '/api/v1/users/gil/profile', { job_role_id: role }, 200);
  await call('POST', '/api/v1/programmes', {
    code: 'GAS', title: 'Gas certificate', sets: [{ courses: ['GAS-1'] }], certification: { valid_days: 365, renew_window_days: 7 },
  }, 201);
  await call('POST', '/api/v1/programmes/GAS/assignments', { job_role_id: role }, 201);
  await call('POST', '/api/v1/programmes/GAS/reminders', { expiry_days: [45, 10] }, 200);
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('an imported expiry becomes the assignment\'s, and warns 45 and 10 days before it, once each', { timeout: 120000 }, async () => {
  const csv = `${server.dataDir}/../history.csv`;
  fs.writeFileSync(csv, `username,programme,completed,expiry\ngil,GAS,${day(-300)},${day(50)}\nhal,GAS,${day(-300)},${day(50)}\n`);
  const all = ['completion', 'import', csv, '--data', server.dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const run = spawnSync(lecternBin(), all, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr + run.stdout);

  const items = (await call('GET', '/api/v1/programmes/GAS/assignments', undefined, 200)).json.items;
  assert.deepEqual(items.map((x) => [x.username, x.state, x.expires]), [['gil', 'certified', day(50)]], 'hal is not assigned: history only');

  await scan();
  assert.equal(warnings('gil').length, 0, 'fifty days before: no warning day yet');
  await advanceClock(server, '6d');
  await scan();
  await scan();
  await sink.waitFor((m) => (m.to || '').includes('gil@example.org') && /^Certification expiring: Gas certificate/.test(m.subject), { what: 'the 45-day warning' });
  assert.equal(warnings('gil').length, 1);
  assert.match(warnings('gil')[0].text, new RegExp(day(50)));
  await advanceClock(server, '35d');
  await scan();
  await scan();
  await poll(() => warnings('gil').length === 2, { timeoutMs: 20000, what: 'the 10-day warning' });
  assert.equal(warnings('hal').length, 0, 'an ended assignment warns nobody');
  await advanceClock(server, '2d');
  await scan();
  assert.equal(warnings('gil').length, 2, 'nothing more before the expiry');
});
