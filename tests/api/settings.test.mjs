// Site settings and branding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, signIn, adminToken, createUser, assertCleanShutdown, rawRequest } from '../lib/server.mjs';
import { page } from '../lib/html.mjs';

let server;
let admin;
let learner;
before(async () => {
  server = await startServer();
  admin = await adminToken(server);
  await createUser(server, { username: 'lia', email: 'lia@example.com', first_name: 'Lia', last_name: 'L', roles: ['learner'], password: 'Orange-Cloud-Path-24' }, admin);
  learner = await signIn(server, 'lia', 'Orange-Cloud-Path-24');
});
after(async () => { if (server) await server.stop(); });

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function multipart(field, filename, type, data) {
  const boundary = '----lectern' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, data, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}
const upload = (token, { field = 'logo', filename = 'logo.png', type = 'image/png', data = PNG } = {}) => {
  const m = multipart(field, filename, type, data);
  return api(server, 'POST', '/api/v1/settings/logo', { token, body: m.body, headers: { 'content-type': m.contentType } });
};

test('GET /api/v1/settings answers the defaults', async () => {
  const r = await api(server, 'GET', '/api/v1/settings', { token: admin });
  assert.equal(r.status, 200, show(r));
  assert.equal(typeof r.json.site_name, 'string');
  assert.ok(r.json.site_name.length > 0);
  assert.match(r.json.primary_color, /^#[0-9a-fA-F]{6}$/);
  assert.ok('logo_url' in r.json, show(r));
});

test('PATCH site_name and primary_color; GET returns them', async () => {
  const r = await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: 'Acme Academy', primary_color: '#1a2b3c' } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.site_name, 'Acme Academy');
  assert.equal(r.json.primary_color.toLowerCase(), '#1a2b3c');
  const g = await api(server, 'GET', '/api/v1/settings', { token: admin });
  assert.equal(g.json.site_name, 'Acme Academy');
  assert.equal(g.json.primary_color.toLowerCase(), '#1a2b3c');
});

test('PATCH one field leaves the other alone', async () => {
  const r = await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: 'Acme Training' } });
  assert.equal(r.status, 200, show(r));
  assert.equal(r.json.site_name, 'Acme Training');
  assert.equal(r.json.primary_color.toLowerCase(), '#1a2b3c');
});

test('the site name appears in the HTML pages', async () => {
  const r = await page(server, 'GET', '/signin');
  assert.equal(r.status, 200);
  assert.ok(r.text.includes('Acme Training'), 'site name in the layout');
});

test('the theme stylesheet carries the colour, with readable text on pale and dark colours', async () => {
  const theme = async () => (await fetch(`${server.url}/branding/theme.css`)).text();
  await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { primary_color: '#ffee55' } });
  let css = await theme();
  assert.match(css, /--lectern-primary:#ffee55/i);
  assert.match(css, /--lectern-on-primary:#212529/, 'dark text on a pale colour');
  await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { primary_color: '#1a2b3c' } });
  css = await theme();
  assert.match(css, /--lectern-on-primary:#fff/, 'white text on a dark colour');
});

test('an invalid colour answers 422 with field primary_color and changes nothing', async () => {
  for (const primary_color of ['red', '#12345', '#1234567', '#GGGGGG', '123456', '#12 345', 'url(javascript:x)', '#123456;}body{']) {
    const r = await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: 'Changed', primary_color } });
    assert.equal(r.status, 422, `${primary_color}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'invalid');
    assert.equal(r.json.error.field, 'primary_color', `${primary_color}: ${show(r)}`);
  }
  const g = await api(server, 'GET', '/api/v1/settings', { token: admin });
  assert.equal(g.json.site_name, 'Acme Training', 'the site name did not change with a refused colour');
  assert.equal(g.json.primary_color.toLowerCase(), '#1a2b3c');
});

test('an empty or over-long site name is refused', async () => {
  const long = await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name: 'n'.repeat(5000) } });
  assert.equal(long.status, 422, show(long));
  assert.equal(long.json.error.field, 'site_name');
  // Empty may be refused or treated as "not given"; the site never ends up without a name.
  for (const site_name of ['', '   ']) {
    const r = await api(server, 'PATCH', '/api/v1/settings', { token: admin, body: { site_name } });
    assert.ok(r.status === 422 || r.status === 200, `${JSON.stringify(site_name)}: ${show(r)}`);
    const g = await api(server, 'GET', '/api/v1/settings', { token: admin });
    assert.equal(g.json.site_name, 'Acme Training', `${JSON.stringify(site_name)}: ${show(g)}`);
  }
});

test('a learner gets 403; without a token 401', async () => {
  for (const [method, body] of [['GET'], ['PATCH', { site_name: 'Pwned' }]]) {
    const r = await api(server, method, '/api/v1/settings', { token: learner, body });
    assert.equal(r.status, 403, `${method}: ${show(r)}`);
    assert.equal(r.json?.error?.code, 'forbidden');
    const anon = await api(server, method, '/api/v1/settings', { body });
    assert.equal(anon.status, 401, `${method}: ${show(anon)}`);
  }
  const up = await upload(learner);
  assert.equal(up.status, 403, show(up));
  const g = await api(server, 'GET', '/api/v1/settings', { token: admin });
  assert.equal(g.json.site_name, 'Acme Training');
});

test('a PNG logo uploads and is served publicly at /branding/logo', async () => {
  const r = await upload(admin);
  assert.equal(r.status, 200, show(r));
  assert.equal(typeof r.json.logo_url, 'string', show(r));
  const logo = await rawRequest(server.url + '/branding/logo');
  assert.equal(logo.status, 200);
  assert.match(logo.headers['content-type'] || '', /^image\/png/);
  assert.ok(logo.body.equals(PNG), 'the same bytes come back');
  assert.equal(logo.headers['x-content-type-options'], 'nosniff');
  if (r.json.logo_url.startsWith('/')) {
    const viaUrl = await rawRequest(server.url + r.json.logo_url);
    assert.equal(viaUrl.status, 200);
  }
});

test('a non-image, a lying image type and a logo over 1 MiB are refused with field logo', async () => {
  const text = await upload(admin, { filename: 'x.png', type: 'image/png', data: Buffer.from('<svg onload=alert(1)>') });
  assert.equal(text.status, 422, show(text));
  assert.equal(text.json.error.field, 'logo');
  const svg = await upload(admin, { filename: 'x.svg', type: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
  assert.equal(svg.status, 422, show(svg));
  const big = await upload(admin, { data: Buffer.concat([PNG, Buffer.alloc(1024 * 1024 + 10)]) });
  assert.ok([413, 422].includes(big.status), show(big));
  const missing = await upload(admin, { field: 'other' });
  assert.equal(missing.status, 422, show(missing));
  assert.equal(missing.json.error.field, 'logo');
  const logo = await rawRequest(server.url + '/branding/logo');
  assert.ok(logo.body.equals(PNG), 'the earlier logo stays');
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
