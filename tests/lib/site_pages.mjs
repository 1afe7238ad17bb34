// A site built the way its administrator builds it, through the pages: people made on
// /admin/users/new, a course made on "New course" and people enrolled on its Participants tab.
// For browser suites that start from an empty site.
import assert from 'node:assert/strict';
import { submit, pathOf } from './browser.mjs';

/** Makes an account with one site role ("Learner", "Instructor", ...) and a password. */
export async function makePersonUI(admin, username, first, role, password) {
  await admin.goto('/admin/users/new');
  await admin.getByLabel('Username', { exact: true }).fill(username);
  await admin.getByLabel('Email', { exact: true }).fill(`${username}@example.com`);
  await admin.getByLabel('First name', { exact: true }).fill(first);
  await admin.getByLabel('Last name', { exact: true }).fill('Test');
  await admin.getByRole('checkbox', { name: role, exact: true }).check();
  await admin.getByLabel('Password', { exact: true }).fill(password);
  await submit(admin, () => admin.getByRole('button', { name: 'Create user' }).click());
  assert.doesNotMatch(pathOf(admin), /\/new$/, `${username} was made`);
}

/** Makes a published course from the administrators' course list. */
export async function makeCourseUI(admin, code, title) {
  await admin.goto('/admin/courses');
  await admin.getByRole('link', { name: 'New course' }).click();
  await admin.getByLabel('Code', { exact: true }).fill(code);
  await admin.getByLabel('Title', { exact: true }).fill(title);
  await admin.getByLabel('Status', { exact: true }).selectOption('published');
  await submit(admin, () => admin.getByRole('button', { name: 'Create course' }).click());
  assert.equal(pathOf(admin), `/courses/${code}/manage`);
}

/** Enrols people (usernames) in a course with a course role ("learner" or "instructor"). */
export async function enrolUI(admin, code, usernames, role) {
  await admin.goto(`/courses/${code}/manage/participants`);
  await admin.getByLabel('Usernames', { exact: true }).fill(usernames.join('\n'));
  await admin.locator('#enrol-role').selectOption(role);
  await submit(admin, () => admin.getByRole('button', { name: 'Enrol', exact: true }).click());
  for (const u of usernames) await admin.getByRole('cell', { name: new RegExp(u) }).first().waitFor();
}
