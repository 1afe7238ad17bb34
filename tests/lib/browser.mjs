// Browser helpers: Debian's Chromium through playwright-core, and the page steps the browser
// suites share. Elements are found by role and label, so the suites double as an accessibility check.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const SIGNIN_FAILED = 'Incorrect username or password, or the account is locked.';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh context (its own cookies) and page, with server errors surfaced. */
export async function newPage(browser, server) {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  // Problems a person would not see but should not happen: script errors, CSP violations, and
  // sub-resources (styles, images, scripts) that fail to load. Pages the test opens on purpose
  // (documents) may answer 4xx; their status is checked where it matters.
  page.consoleErrors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) page.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document') {
      page.consoleErrors.push(`${r.status()} for ${r.request().resourceType()} ${r.url()}`);
    }
  });
  page.on('requestfailed', (r) => page.consoleErrors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  return page;
}

/** Runs an action that submits a form and waits for the resulting page to load. */
export async function submit(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
}

export function pathOf(page) { return new URL(page.url()).pathname; }

/** Opens /signin, fills "Username" and "Password", clicks "Sign in". */
export async function signInUI(page, username, password) {
  await page.goto('/signin');
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submit(page, () => page.getByRole('button', { name: 'Sign in' }).click());
}

/** Expects the sign-in page again with the generic alert. */
export async function expectSignInFailed(page) {
  const alert = page.getByRole('alert');
  await alert.first().waitFor();
  const text = (await alert.first().innerText()).trim();
  assert.ok(text.includes(SIGNIN_FAILED), `alert text: ${JSON.stringify(text)}`);
  // The form is still there to try again.
  await page.getByLabel('Username', { exact: true }).waitFor();
}

/** On /password: fills "Current password", "New password", "Confirm new password", submits,
 *  and expects the dashboard (/) with a heading. */
export async function changePasswordUI(page, current, next) {
  assert.equal(pathOf(page), '/password', `expected the forced change at /password, got ${page.url()}`);
  await page.getByLabel('Current password', { exact: true }).fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('Confirm new password', { exact: true }).fill(next);
  await submit(page, () => page.getByRole('button', { name: 'Change password' }).click());
  assert.equal(pathOf(page), '/', `after the change the dashboard, got ${page.url()}`);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

/** The site navigation: the <nav> that holds the "Sign out" button (pages may have other
 *  navigation landmarks, such as breadcrumbs or pagination). */
export function mainNav(page) {
  return page.getByRole('navigation').filter({ has: page.getByRole('button', { name: 'Sign out' }) });
}

/** Clicks "Sign out" in the navigation and expects the sign-in page. */
export async function signOutUI(page) {
  const nav = mainNav(page);
  await submit(page, () => nav.getByRole('button', { name: 'Sign out' }).click());
  assert.equal(pathOf(page), '/signin', `after signing out, got ${page.url()}`);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

/** Runs axe-core (the npm package) on the current page and returns the violations of impact
 *  "serious" or "critical" as readable lines. axe is evaluated through the DevTools protocol,
 *  so the page's Content-Security-Policy stays as strict as it is for people. */
export async function accessibilityProblems(page) {
  const { createRequire } = await import('node:module');
  const fs = await import('node:fs');
  const require = createRequire(import.meta.url);
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  // Colours are checked at rest: a button still fading into its hover colour (the pointer stays
  // where the last click was) has in-between colours that no one reads.
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => {}))));
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`).join("; ")}`);
}

/** Expects no serious accessibility problem and no console error on the page as it is. */
export async function expectClean(page) {
  assert.deepEqual(await accessibilityProblems(page), [], `accessibility problems on ${page.url()}`);
  assert.deepEqual(page.consoleErrors, [], `console errors on ${page.url()}`);
}
