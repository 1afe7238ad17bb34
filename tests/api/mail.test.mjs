// Mail: the SMTP settings (the password is stored, never shown back), the outbox, the
// 'mail.send' job through a local SMTP sink, the failed state and the retry, and
// `lectern mail test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  startServer, api, show, signIn, adminToken, createUser, assertCleanShutdown, freePort, poll, lecternBin, repoRoot, testPg,
} from '../lib/server.mjs';
import { page, formWith } from '../lib/html.mjs';
import { startSmtpSink, linkIn } from '../lib/smtp.mjs';

let server;
let admin;
let sink;
let deadPort; // nothing listens here until the failure test starts a sink on it
before(async () => {
  sink = await startSmtpSink();
  deadPort = await freePort();
  // One attempt per message, so that a failure is final at once (the default is eight, with backoff).
  server = await startServer({ args: ['--mail-attempts', '1'] });
  admin = await adminToken(server);
  await createUser(server, { username: 'mia', email: 'mia@example.org', first_name: 'Mia', roles: ['learner'], password: 'Quartz-Harbor-Tulip-64' }, admin);
});
after(async () => {
  if (server) await server.stop();
  if (sink) await sink.stop();
});

const settings = (body) => api(server, 'PATCH', '/api/v1/settings/mail', { token: admin, body });
const outbox = async (q = '') => (await api(server, 'GET', `/api/v1/mail/outbox${q}`, { token: admin })).json;
const message = async (id) => (await outbox('?per_page=100')).items.find((m) => m.id === id);

test('mail settings: defaults, validation, and the password is never shown back', async () => {
  const d = await api(server, 'GET', '/api/v1/settings/mail', { token: admin });
  assert.equal(d.status, 200, show(d));
  assert.equal(d.json.smtp_host, '');
  assert.equal(d.json.smtp_tls, 'none');
  assert.equal(d.json.password_set, false);
  assert.equal(d.json.configured, false);

  const bad = [
    [{ smtp_tls: 'ssl3' }, 'smtp_tls'],
    [{ smtp_port: 70000 }, 'smtp_port'],
    [{ smtp_host: 'smtp.example.org/evil' }, 'smtp_host'],
    [{ from_address: 'not an address' }, 'from_address'],
    [{ site_url: 'javascript:alert(1)' }, 'site_url'],
  ];
  for (const [body, field] of bad) {
    const r = await settings(body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${show(r)}`);
    assert.equal(r.json.error.field, field);
  }

  const r = await settings({ smtp_host: '127.0.0.1', smtp_port: sink.port, smtp_tls: 'none', smtp_username: '', smtp_password: 'S3cret-SMTP-Password', from_address: 'training@example.org', from_name: 'Training Team', site_url: server.url + '/' });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.password_set, true);
  assert.equal(r.json.site_url, server.url, 'the trailing slash is dropped');
  assert.ok(!r.text.includes('S3cret-SMTP-Password'), 'the password is not in the answer');
  const all = await api(server, 'GET', '/api/v1/settings', { token: admin });
  assert.ok(!all.text.includes('S3cret-SMTP-Password'), 'nor in the settings model');
  assert.equal(all.json.mail.smtp_host, '127.0.0.1');
  const html = await page(server, 'GET', '/admin/settings', { cookie: `lectern_session=${admin}` });
  assert.equal(html.status, 200);
  assert.match(html.text, /id="smtp_host"[^>]*value="127.0.0.1"/);
  assert.ok(!html.text.includes('S3cret-SMTP-Password'));
  // An empty password field keeps the stored one; clear_password removes it.
  const keep = await settings({ smtp_password: '' });
  assert.equal(keep.json.password_set, true);
  const cleared = await settings({ clear_password: true });
  assert.equal(cleared.json.password_set, false);
  const audit = await api(server, 'GET', '/api/v1/audit?limit=20', { token: admin });
  assert.ok(audit.json.items.some((e) => e.action === 'settings.mail'), 'changes are audited');
  assert.ok(!audit.text.includes('S3cret-SMTP-Password'), 'the audit log names the setting, not the password');

  const learner = await signIn(server, 'mia', 'Quartz-Harbor-Tulip-64');
  assert.equal((await api(server, 'GET', '/api/v1/settings/mail', { token: learner })).status, 403);
  assert.equal((await api(server, 'GET', '/api/v1/mail/outbox', { token: learner })).status, 403);
});

test('a test message goes through the outbox and the job queue to the SMTP server', async () => {
  const r = await api(server, 'POST', '/api/v1/mail/test', { token: admin, body: { to: 'someone@example.org' } });
  assert.equal(r.status, 202, show(r));
  const msg = await sink.waitFor((m) => (m.to || '').includes('someone@example.org'), { what: 'the test message' });
  assert.match(msg.subject, /Test message/);
  assert.match(msg.headers.from, /"Training Team" <training@example\.org>/);
  assert.match(msg.headers['message-id'], /^<[0-9a-f]+@example\.org>$/);
  assert.match(msg.text, /test message from Lectern/);
  const m = await poll(async () => { const x = await message(r.json.outbox_id); return x && x.state === 'sent' && x; }, { what: 'state sent' });
  assert.equal(m.attempts, 1);
  assert.match(m.sent_at, /^\d{4}-\d\d-\d\dT/);
  assert.equal(m.last_error, '');
  const again = await api(server, 'POST', `/api/v1/mail/outbox/${m.id}/retry`, { token: admin });
  assert.equal(again.status, 409, `a sent message is not sent twice: ${show(again)}`);
  const bad = await api(server, 'POST', '/api/v1/mail/test', { token: admin, body: { to: 'nope' } });
  assert.equal(bad.status, 422, show(bad));
});

test('the outbox never shows a message\'s link', async () => {
  const r = await api(server, 'POST', '/api/v1/users/mia/send-reset-link', { token: admin });
  assert.equal(r.status, 202, show(r));
  await sink.waitFor((m) => (m.to || '').includes('mia@example.org'), { what: 'the reset link' });
  await poll(async () => (await message(r.json.outbox_id))?.state === 'sent', { what: 'sent' });
  const o = await api(server, 'GET', '/api/v1/mail/outbox', { token: admin });
  assert.doesNotMatch(o.text, /token=|[0-9a-f]{64}/, 'no link or token in the outbox listing');
  const m = o.json.items.find((x) => x.id === r.json.outbox_id);
  assert.equal(m.template, 'password_reset');
  assert.match(m.subject, /new password/i);
  assert.ok(!('data' in m));
});

test('an SMTP server that does not answer: failed with the error; retry works once it is up', async () => {
  assert.equal((await settings({ smtp_port: deadPort })).status, 200);
  const r = await api(server, 'POST', '/api/v1/mail/test', { token: admin, body: { to: 'late@example.org' } });
  assert.equal(r.status, 202, show(r));
  const failed = await poll(async () => { const x = await message(r.json.outbox_id); return x && x.state === 'failed' && x; }, { what: 'state failed', timeoutMs: 20000 });
  assert.match(failed.last_error, /connect|refused/i, failed.last_error);
  assert.equal(failed.attempts, 1);
  const list = await outbox('?state=failed');
  assert.ok(list.items.some((x) => x.id === failed.id), 'the failed filter finds it');

  // The page shows it with a "Send again" button.
  const adminPage = await page(server, 'GET', '/admin/mail', { cookie: undefined });
  assert.equal(adminPage.status, 303, 'the outbox page needs a session');

  const late = await startSmtpSink({ port: deadPort });
  try {
    const retry = await api(server, 'POST', `/api/v1/mail/outbox/${failed.id}/retry`, { token: admin });
    assert.equal(retry.status, 200, show(retry));
    assert.equal(retry.json.message.state, 'queued');
    const msg = await late.waitFor((m) => (m.to || '').includes('late@example.org'), { what: 'the retried message' });
    assert.match(msg.subject, /Test message/);
    const sent = await poll(async () => { const x = await message(failed.id); return x && x.state === 'sent' && x; }, { what: 'sent after retry' });
    assert.equal(sent.attempts, 2);
    assert.equal(late.count(), 1, 'sent once');
    const audit = await api(server, 'GET', '/api/v1/audit?limit=20', { token: admin });
    assert.ok(audit.json.items.some((e) => e.action === 'mail.retry' && e.target === `mail:${failed.id}`));
  } finally {
    await late.stop();
  }
  assert.equal((await settings({ smtp_port: sink.port })).status, 200);
});

/** Everything the database holds, as text: the SQLite file and its write-ahead log, or a
 *  PostgreSQL dump — what a stolen backup would give. */
function databaseText(srv) {
  if (testPg) {
    const dump = spawnSync('pg_dump', ['--data-only', srv.dbUrl], { encoding: 'latin1', maxBuffer: 1 << 28 });
    assert.equal(dump.status, 0, dump.stderr);
    return dump.stdout;
  }
  return ['lectern.db', 'lectern.db-wal']
    .map((f) => path.join(srv.dataDir, f))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, 'latin1'))
    .join('\n');
}

test('a link waiting in the outbox is no key; a link replaced before it went out is not sent', async () => {
  assert.equal((await settings({ smtp_port: deadPort })).status, 200);
  const first = await api(server, 'POST', '/api/v1/users/mia/send-reset-link', { token: admin });
  const second = await api(server, 'POST', '/api/v1/users/mia/send-reset-link', { token: admin });
  assert.equal(first.status, 202, show(first));
  assert.equal(second.status, 202, show(second));
  // The first may have been tried before the second replaced its link (failed), or not (superseded).
  const settled = (r) => poll(async () => ['failed', 'superseded'].includes((await message(r.json.outbox_id))?.state),
    { what: 'the message tried', timeoutMs: 20000 });
  await settled(first);
  await settled(second);
  assert.equal((await message(second.json.outbox_id)).state, 'failed');

  // Every 64-hex-digit string at rest (link hashes among them) is tried as a link: none opens.
  const candidates = [...new Set(databaseText(server).match(/[0-9a-f]{64}/g) || [])];
  assert.ok(candidates.length > 0, 'the stored link hashes are found');
  for (const token of candidates) {
    const r = await page(server, 'GET', `/reset-password?token=${token}`);
    assert.equal(formWith(r.text, 'new_password'), undefined, `a token at rest opens a link: ${token}`);
  }

  const late = await startSmtpSink({ port: deadPort });
  try {
    if ((await message(first.json.outbox_id)).state === 'failed')
      assert.equal((await api(server, 'POST', `/api/v1/mail/outbox/${first.json.outbox_id}/retry`, { token: admin })).status, 200);
    const replaced = await poll(async () => { const x = await message(first.json.outbox_id); return x?.state === 'superseded' && x; }, { what: 'the first message superseded' });
    assert.match(replaced.last_error, /newer/, replaced.last_error);
    const again = await api(server, 'POST', `/api/v1/mail/outbox/${first.json.outbox_id}/retry`, { token: admin });
    assert.equal(again.status, 409, `a replaced message is not offered again: ${show(again)}`);

    assert.equal((await api(server, 'POST', `/api/v1/mail/outbox/${second.json.outbox_id}/retry`, { token: admin })).status, 200);
    const msg = await late.waitFor((m) => (m.to || '').includes('mia@example.org'), { what: 'the newer link' });
    const link = linkIn(msg);
    assert.ok(link, msg.text);
    const form = await page(server, 'GET', `/reset-password?token=${link.token}`);
    assert.ok(formWith(form.text, 'new_password'), 'the link minted as it was sent opens the form');
    assert.equal(late.count(), 1, 'only the newer message went out');
  } finally {
    await late.stop();
  }
  assert.equal((await settings({ smtp_port: sink.port })).status, 200);
});

test('the outbox page lists messages with their state, and failed ones with "Send again"', async () => {
  assert.equal((await settings({ smtp_port: deadPort })).status, 200);
  const r = await api(server, 'POST', '/api/v1/mail/test', { token: admin, body: { to: 'page@example.org' } });
  await poll(async () => (await message(r.json.outbox_id))?.state === 'failed', { what: 'failed' });
  assert.equal((await settings({ smtp_port: sink.port })).status, 200);
  const html = await page(server, 'GET', '/admin/mail', { headers: { cookie: `lectern_session=${admin}` } });
  assert.equal(html.status, 200);
  assert.match(html.text, new RegExp(`id="mail-${r.json.outbox_id}"`));
  const row = html.text.slice(html.text.indexOf(`id="mail-${r.json.outbox_id}"`)).split('</tr>')[0];
  assert.match(row, /Failed/);
  assert.match(row, /Send again/);
  assert.match(row, new RegExp(`action="/admin/mail/${r.json.outbox_id}/retry"`));
  const form = formWith(html.text, 'to');
  assert.ok(form, 'a form to send a test message');
});

test('`lectern mail test ADDRESS` sends now and says so; a dead server exits 1 with the reason', async () => {
  const env = { ...process.env, LECTERN_DATA: server.dataDir };
  const ok = spawnSync(lecternBin(), ['mail', 'test', 'cli@example.org'], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.equal(ok.status, 0, `${ok.stdout}\n${ok.stderr}`);
  assert.match(ok.stdout, /Sent test message \d+ to cli@example\.org/);
  await sink.waitFor((m) => (m.to || '').includes('cli@example.org'), { what: 'the CLI test message' });

  assert.equal((await settings({ smtp_port: deadPort })).status, 200);
  const bad = spawnSync(lecternBin(), ['mail', 'test', 'cli2@example.org'], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.equal(bad.status, 1, `${bad.stdout}\n${bad.stderr}`);
  assert.match(bad.stderr, /could not be sent: SMTP 127\.0\.0\.1:\d+: .*connect/i);
  const list = spawnSync(lecternBin(), ['mail', 'list', '--state', 'failed'], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /cli2@example\.org/);
  const usage = spawnSync(lecternBin(), ['mail', 'test'], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.equal(usage.status, 2, usage.stderr);
  assert.equal((await settings({ smtp_port: sink.port })).status, 200);
});

test('the server shuts down cleanly', async () => {
  assertCleanShutdown(server, await server.stop());
});
