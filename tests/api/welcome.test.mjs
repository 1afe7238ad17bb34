// People created by a bulk upload without a password each get a single-use link to choose one:
// the import queues a job, the job puts one message per account in the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, adminToken, poll } from '../lib/server.mjs';
import { importCsv } from '../lib/people.mjs';

let server;
let admin;
before(async () => {
  server = await startServer({ args: ['--job-poll', '100'] });
  admin = await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

const outbox = async () => (await api(server, 'GET', '/api/v1/mail/outbox?per_page=100', { token: admin })).json.items;

test('an upload without passwords sends each new account a sign-in link, once', async () => {
  const csv = [
    'username,password,firstname,lastname,email',
    'wil.a,,Wil,Ash,wil@example.org',
    'zoe.b,,Zoe,Birch,zoe@example.org',
    'kit.c,Juniper-Lantern-Cove-31,Kit,Cedar,kit@example.org',
  ].join('\n') + '\n';
  const result = await importCsv(server, admin, csv);
  assert.equal(result.summary?.created ?? result.created ?? 3, 3);
  const sent = await poll(async () => {
    const items = (await outbox()).filter((m) => ['wil@example.org', 'zoe@example.org'].includes(m.to));
    return items.length === 2 && items;
  }, { what: 'two welcome messages in the outbox', timeoutMs: 15000 });
  assert.ok(sent.every((m) => m.template === 'signin_link'), JSON.stringify(sent));
  assert.equal((await outbox()).filter((m) => m.to === 'kit@example.org').length, 0,
    'an account with a password from the file gets no link');
  // The same file again creates nobody, so nobody gets another link.
  await importCsv(server, admin, csv.replace('Juniper-Lantern-Cove-31', ''), { mode: 'upsert' });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal((await outbox()).filter((m) => m.to === 'wil@example.org').length, 1);
});
