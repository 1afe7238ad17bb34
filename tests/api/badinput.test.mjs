// Hostile and broken input: malformed JSON, deep nesting, huge bodies, invalid UTF-8, injection
// attempts, and the rule that a refused request writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, assertCleanShutdown, socketRequest, sanitizerReport } from '../lib/server.mjs';
import { page } from '../lib/html.mjs';

let server;
let admin;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
});
after(async () => { if (server) await server.stop(); });

// A valid body for username u (every user gets an email of their own).
const ok = (u) => ({ username: u, email: `${u}@example.com`, first_name: 'V', last_name: 'V', roles: ['learner'] });
const createRaw = (raw, headers = {}) => api(server, 'POST', '/api/v1/users', { token: admin, body: raw, headers });

function expectBadRequest(r, what) {
  assert.equal(r.status, 400, `${what}: ${show(r)}`);
  assert.equal(r.json?.error?.code, 'bad_request', `${what}: ${show(r)}`);
  assert.ok(typeof r.json.error.message === 'string' && r.json.error.message.length > 0, `${what}: a message`);
}

async function stillServing() {
  const h = await api(server, 'GET', '/healthz');
  assert.equal(h.status, 200, `the server still serves: ${show(h)}`);
  const report = sanitizerReport(server);
  assert.equal(report, null, `sanitizer report:\n${report}`);
}

test('malformed JSON answers 400 with a message', async () => {
  for (const raw of ['{', '{"username": }', '{"username": "a",}', "{'username': 'a'}", 'nul', '{"a":1}{"b":2}', '{"a":"\\x41"}', '{"a": 01}']) {
    const r = await createRaw(raw);
    expectBadRequest(r, raw);
  }
  await stillServing();
});

test('a JSON body that is not an object answers 400 or 422', async () => {
  for (const raw of ['[]', '"text"', '42', 'null', '[{"username":"a"}]']) {
    const r = await createRaw(raw);
    assert.ok([400, 422].includes(r.status), `${raw}: ${show(r)}`);
  }
});

test('JSON nested 100 deep answers 400; so does 33 deep, while shallow nesting is fine', async () => {
  const deep = (n) => '{"username":' + '['.repeat(n) + ']'.repeat(n) + '}';
  expectBadRequest(await createRaw(deep(100)), '100 deep');
  expectBadRequest(await createRaw('{"a":' + '{"a":'.repeat(99) + '1' + '}'.repeat(100)), '100 deep objects');
  expectBadRequest(await createRaw(deep(40)), '41 levels');
  expectBadRequest(await createRaw('['.repeat(100000) + ']'.repeat(100000)), '100000 deep');
  // A few levels are not an error of the body (the parameter is simply of the wrong type or ignored).
  const shallow = await createRaw(JSON.stringify({ ...ok('shallow'), extra: { a: [1, [2, [3]]] } }));
  assert.equal(shallow.status, 201, show(shallow));
  await stillServing();
});

test('a body over 4 MiB answers 413 too_large', async () => {
  const big = Buffer.alloc(4 * 1024 * 1024 + 1024, 'a');
  big.write('{"username":"big","first_name":"', 0);
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json', accept: 'application/json' };
  // Expect: 100-continue, as curl sends for large bodies: the server answers 413 from the headers
  // and the body is never sent. (Without it, a client that keeps writing after the server has
  // answered and closed may see a reset instead of the answer.)
  const r = await socketRequest(server.url + '/api/v1/users', { headers, body: big, expectContinue: true });
  assert.equal(r.status, 413, `${r.status} ${r.text.slice(0, 300)}`);
  assert.equal(JSON.parse(r.text)?.error?.code, 'too_large', r.text);
  // A Content-Length over the cap is refused before the body arrives.
  const lying = await socketRequest(server.url + '/api/v1/users', {
    headers: { ...headers, 'content-length': String(64 * 1024 * 1024) }, body: Buffer.from('{}'),
  });
  assert.equal(lying.status, 413, `Content-Length 64 MiB: ${lying.status} ${lying.text.slice(0, 300)}`);
  assert.equal((await api(server, 'GET', '/api/v1/users/big', { token: admin })).status, 404);
  await stillServing();
});

test('a body just under 4 MiB is read (not 413)', async () => {
  const filler = 'x'.repeat(4 * 1024 * 1024 - 4096);
  const r = await createRaw(JSON.stringify({ ...ok('nearlybig'), ignored: filler }));
  assert.equal(r.status, 201, show(r));
});

test('a chunked body over 4 MiB answers 413', async () => {
  const parts = [];
  const chunk = Buffer.alloc(256 * 1024, 'a');
  const hex = chunk.length.toString(16);
  const first = Buffer.from('{"username":"chunky","first_name":"');
  parts.push(Buffer.from(first.length.toString(16) + '\r\n'), first, Buffer.from('\r\n'));
  for (let sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) parts.push(Buffer.from(hex + '\r\n'), chunk, Buffer.from('\r\n'));
  parts.push(Buffer.from('2\r\n"}\r\n0\r\n\r\n'));
  const r = await socketRequest(server.url + '/api/v1/users', {
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', accept: 'application/json', 'transfer-encoding': 'chunked' },
    body: Buffer.concat(parts),
    expectContinue: true,
  });
  assert.equal(r.status, 413, `${r.status} ${r.text.slice(0, 300)}`);
  assert.equal((await api(server, 'GET', '/api/v1/users/chunky', { token: admin })).status, 404);
  await stillServing();
});

test('invalid UTF-8 inside a JSON string answers 400', async () => {
  const bodies = [
    Buffer.concat([Buffer.from('{"username":"utf","email":"u@example.com","first_name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","last_name":"x","roles":["learner"]}')]),
    Buffer.concat([Buffer.from('{"username":"utf","email":"u@example.com","first_name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","last_name":"x","roles":["learner"]}')]),
    Buffer.concat([Buffer.from('{"username":"utf","email":"u@example.com","first_name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","last_name":"x","roles":["learner"]}')]), // a UTF-16 surrogate
    Buffer.concat([Buffer.from('{"username":"utf","email":"u@example.com","first_name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","last_name":"x","roles":["learner"]}')]), // overlong "/"
  ];
  for (const b of bodies) expectBadRequest(await createRaw(b), b.toString('hex').slice(110, 130));
  assert.equal((await api(server, 'GET', '/api/v1/users/utf', { token: admin })).status, 404);
  await stillServing();
});

test('invalid UTF-8 in a form body answers 400 or 422, never 201', async () => {
  const body = Buffer.concat([Buffer.from('username=utf2&email=u2%40example.com&last_name=x&roles=learner&first_name='), Buffer.from('%C3%28')]);
  const r = await createRaw(body, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.ok([400, 422].includes(r.status), show(r));
  assert.equal((await api(server, 'GET', '/api/v1/users/utf2', { token: admin })).status, 404);
});

test('a form-encoded body works like JSON', async () => {
  const body = new URLSearchParams({ username: 'formy', email: 'formy@example.com', first_name: 'Form', last_name: 'Y', roles: 'learner' }).toString();
  const r = await createRaw(body, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.user.first_name, 'Form');
});

const SQL = "Robert'); DROP TABLE users;--";
const MUSTACHE = '{{#x}}{{/x}}{{{y}}}';
const SCRIPT = '<script>alert("x")</script>&amp;\'"';

test('SQL metacharacters, Mustache syntax and HTML are stored and returned verbatim', async () => {
  const r = await api(server, 'POST', '/api/v1/users', {
    token: admin, body: { username: 'bobby', email: 'bobby@example.com', first_name: SQL, last_name: MUSTACHE, roles: ['learner'] },
  });
  assert.equal(r.status, 201, show(r));
  assert.equal(r.json.user.first_name, SQL);
  assert.equal(r.json.user.last_name, MUSTACHE);
  const g = await api(server, 'GET', '/api/v1/users/bobby', { token: admin });
  assert.equal(g.status, 200, show(g));
  assert.equal(g.json.user.first_name, SQL);
  assert.equal(g.json.user.last_name, MUSTACHE);
  const p = await api(server, 'PATCH', '/api/v1/users/bobby', { token: admin, body: { last_name: SCRIPT } });
  assert.equal(p.status, 200, show(p));
  assert.equal(p.json.user.last_name, SCRIPT);
  const list = await api(server, 'GET', `/api/v1/users?q=${encodeURIComponent("Robert')")}`, { token: admin });
  assert.equal(list.status, 200, show(list));
  assert.equal(list.json.total, 1, show(list));
  const all = await api(server, 'GET', '/api/v1/users', { token: admin });
  assert.ok(all.json.total >= 3, 'the users table is still there');
  await stillServing();
});

test('the HTML user list shows them escaped, and the Mustache text literally', async () => {
  await api(server, 'PATCH', '/api/v1/users/bobby', { token: admin, body: { last_name: SCRIPT, first_name: MUSTACHE } });
  const r = await page(server, 'GET', '/admin/users?q=bobby', { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(r.status, 200, `${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers['content-type'] || '', /text\/html/);
  assert.ok(!r.text.includes('<script>alert("x")</script>'), 'raw <script> from user data appears in the page');
  assert.ok(r.text.includes('&lt;script&gt;'), 'the < and > are escaped');
  assert.ok(r.text.includes('{{#x}}{{/x}}{{{y}}}'), 'user text is never rendered as a template');
});

test('Mustache and HTML in the site name are escaped in every page', async () => {
  const r = await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: '<b>{{site}}</b>' } });
  assert.equal(r.status, 200, show(r));
  const signin = await page(server, 'GET', '/signin');
  assert.equal(signin.status, 200);
  assert.ok(!signin.text.includes('<b>{{site}}</b>'), 'raw HTML from the site name');
  assert.ok(signin.text.includes('&lt;b&gt;{{site}}&lt;/b&gt;'), 'escaped site name in the layout');
  await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: 'Lectern' } });
});

test('control characters and over-long text in a one-line field answer 422 naming the field', async () => {
  for (const first_name of ['tab\there', 'bell\u0007', 'new\nline', 'esc\u001b[31m', 'x'.repeat(10000)]) {
    const r = await api(server, 'POST', '/api/v1/users', { token: admin, body: { ...ok('ctrl'), first_name } });
    assert.equal(r.status, 422, `${JSON.stringify(first_name.slice(0, 20))}: ${show(r)}`);
    assert.equal(r.json.error.field, 'first_name', show(r));
  }
  // An escaped NUL may be refused by the JSON parser (400) or by the parameter rules (422).
  const nul = await api(server, 'POST', '/api/v1/users', { token: admin, body: { ...ok('ctrl'), first_name: 'nul\u0000byte' } });
  assert.ok([400, 422].includes(nul.status), show(nul));
  assert.equal((await api(server, 'GET', '/api/v1/users/ctrl', { token: admin })).status, 404);
});

test('a wrongly typed value answers 400 or 422, never 201 or 5xx', async () => {
  // A number for a text field may be taken as its decimal text.
  const num = await api(server, 'POST', '/api/v1/users', { token: admin, body: { ...ok('typed1'), first_name: 42 } });
  assert.ok([400, 422].includes(num.status) || (num.status === 201 && num.json.user.first_name === '42'), show(num));
  for (const body of [{ ...ok('typed2'), first_name: { a: 1 } }, { ...ok('typed3'), roles: 7 },
    { ...ok('typed4'), username: ['typed4'] }, { ...ok('typed5'), email: { x: 'a@b.example' } }, { ...ok('typed6'), roles: [['learner']] }]) {
    const r = await api(server, 'POST', '/api/v1/users', { token: admin, body });
    assert.ok([400, 422].includes(r.status), `${JSON.stringify(body)}: ${show(r)}`);
  }
  await stillServing();
});

test('undeclared parameters are ignored', async () => {
  const r = await api(server, 'POST', '/api/v1/users', {
    token: admin, body: { ...ok('plain'), id: 1, status: 'suspended', locked_until: '2999-01-01T00:00:00Z', must_change_password: false, is_admin: true },
  });
  assert.equal(r.status, 201, show(r));
  assert.notEqual(r.json.user.id, 1);
  assert.equal(r.json.user.status, 'active');
  assert.equal(r.json.user.locked, false);
  assert.deepEqual(r.json.user.roles, ['learner']);
  assert.equal(r.json.user.must_change_password, true, 'a generated password must still be changed');
});

test('a refused request writes nothing: after a 422 the user does not exist, and a 422 patch changes nothing', async () => {
  const bad = await api(server, 'POST', '/api/v1/users', { token: admin, body: { ...ok('ghosty'), email: 'nope' } });
  assert.equal(bad.status, 422, show(bad));
  assert.equal((await api(server, 'GET', '/api/v1/users/ghosty', { token: admin })).status, 404);
  const list = await api(server, 'GET', '/api/v1/users?q=ghosty', { token: admin });
  assert.equal(list.json.total, 0);
  const before = (await api(server, 'GET', '/api/v1/users/plain', { token: admin })).json.user;
  const p = await api(server, 'PATCH', '/api/v1/users/plain', { token: admin, body: { first_name: 'Changed', last_name: 'Changed', email: 'not valid' } });
  assert.equal(p.status, 422, show(p));
  const afterwards = (await api(server, 'GET', '/api/v1/users/plain', { token: admin })).json.user;
  assert.deepEqual(afterwards, before);
  // Nor does a 400.
  const b = await createRaw('{"username":"half","email":"half@example.com",');
  assert.equal(b.status, 400);
  assert.equal((await api(server, 'GET', '/api/v1/users/half', { token: admin })).status, 404);
});

test('a wrong Content-Type is refused without a write', async () => {
  const r = await createRaw(JSON.stringify({ ...ok('ctype') }), { 'content-type': 'text/plain' });
  assert.ok([400, 415, 422].includes(r.status), show(r));
  assert.equal((await api(server, 'GET', '/api/v1/users/ctype', { token: admin })).status, 404);
});

test('many parameters, huge headers and long URLs are refused, not crashed on', async () => {
  const many = {};
  for (let i = 0; i < 20000; i++) many['p' + i] = i;
  const r = await api(server, 'POST', '/api/v1/users', { token: admin, body: { ...ok('manyparams'), ...many } });
  assert.ok(r.status < 500, show(r));
  const longUrl = await api(server, 'GET', '/api/v1/users?q=' + 'a'.repeat(100000), { token: admin }).catch((e) => ({ status: 'error', text: String(e) }));
  assert.ok(longUrl.status === 'error' || (longUrl.status >= 400 && longUrl.status < 500) || longUrl.status === 200, `long URL: ${longUrl.status}`);
  const hdr = await api(server, 'GET', '/healthz', { headers: { 'x-big': 'b'.repeat(200000) } }).catch((e) => ({ status: 'error' }));
  assert.ok(hdr.status === 'error' || hdr.status < 500 || hdr.status === 431, `huge header: ${hdr.status}`);
  await stillServing();
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
