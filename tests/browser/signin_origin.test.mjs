// In a browser: another site's page that posts Lectern's sign-in form (login CSRF) is refused
// with a page that says what to do, and leaves the browser signed out; the site's own form
// signs in as ever.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, adminToken, createUser, freePort, assertCleanShutdown } from '../lib/server.mjs';
import { launchBrowser, newPage, submit, pathOf, signInUI } from '../lib/browser.mjs';

let server;
let browser;
let other; // another site: another port is another origin
let otherUrl;
const PW = 'Marble-Heron-Lantern-52';
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  await createUser(server, { username: 'mallory', email: 'mallory@example.com', roles: ['learner'], password: PW }, await adminToken(server));
  const port = await freePort();
  otherUrl = `http://127.0.0.1:${port}`;
  // A page that quietly signs its visitor in to the attacker's own account on Lectern.
  other = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Prize</title><form method="post" action="${server.url}/signin">
<input type="hidden" name="username" value="mallory"><input type="hidden" name="password" value="${PW}">
<button>Claim your prize</button></form>`);
  });
  await new Promise((resolve) => other.listen(port, '127.0.0.1', resolve));
});
after(async () => {
  if (browser) await browser.close();
  if (other) other.close();
  if (server) await server.stop();
});

test('a sign-in form posted from another site is refused and the browser stays signed out', { timeout: 60000 }, async () => {
  const page = await newPage(browser, server);
  await page.goto(otherUrl);
  await submit(page, () => page.getByRole('button', { name: 'Claim your prize' }).click());
  assert.equal(pathOf(page), '/signin');
  const alert = page.getByRole('alert').first();
  assert.match((await alert.innerText()).trim(), /^This form was sent from another site, so it was not accepted\./);
  const cookies = await page.context().cookies(server.url);
  assert.deepEqual(cookies.filter((c) => c.name === 'lectern_session'), [], 'no session cookie');
  // The way back is offered, and the site's own form works.
  await submit(page, () => page.getByRole('link', { name: 'Open the form again' }).click());
  assert.equal(pathOf(page), '/signin');
  await signInUI(page, 'mallory', PW);
  assert.equal(pathOf(page), '/');
  await page.context().close();
});

test('the server shuts down cleanly on SIGTERM (exit 0, no sanitizer reports)', async () => {
  assertCleanShutdown(server, await server.stop());
});
