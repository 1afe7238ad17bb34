// lectern bench-data: the same size and seed give the same data and tokens; a cached dataset is
// reused; a database holding anything else is refused; the tokens sign in.
// Run: LECTERN_BIN=build/test/lectern node --test tests/cli/bench_data.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, api } from '../lib/server.mjs';

const BIN = path.resolve(process.env.LECTERN_BIN || 'build/test/lectern');

function lectern(args) {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, LECTERN_DATA: '', LECTERN_DB: '', LECTERN_DEV_ASSETS: '' },
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout + r.stderr };
}

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-data-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const read = (dir, name) => fs.readFileSync(path.join(dir, name), 'utf8');
const sqlite = (dir, sql) => spawnSync('sqlite3', [path.join(dir, 'lectern.db'), sql], { encoding: 'utf8' }).stdout.trim();

test('size S: users, departments, managers and sessions, the same for the same seed', async (t) => {
  const a = path.join(tmpdir(t), 'a');
  const b = path.join(tmpdir(t), 'b');
  for (const dir of [a, b]) {
    const r = lectern(['--data', dir, 'bench-data', '--size', 'S', '--seed', '7']);
    assert.equal(r.code, 0, r.out);
  }
  assert.equal(read(a, 'learner.tokens'), read(b, 'learner.tokens'));
  assert.equal(read(a, 'admin.tokens'), read(b, 'admin.tokens'));
  assert.equal(read(a, 'learner.tokens').split('\n').filter(Boolean).length, 200);
  assert.equal(read(a, 'admin.tokens').split('\n').filter(Boolean).length, 5);
  assert.equal(fs.statSync(path.join(a, 'learner.tokens')).mode & 0o077, 0, 'tokens are private');
  const users = "SELECT username, roles, department_id, manager_id FROM users ORDER BY id";
  assert.equal(sqlite(a, users), sqlite(b, users));
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM users'), '1000');
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM departments'), '15');
  assert.equal(read(a, 'learner.courses'), read(b, 'learner.courses'));
  const courses = "SELECT code, title, category_id FROM courses ORDER BY id";
  assert.equal(sqlite(a, courses), sqlite(b, courses));
  // The 50 courses of size S, the quiz burst's course, the sign-up burst's and the calendar's.
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM courses WHERE status = 'published' AND visible = 1"), '53');
  // The generated enrolments, those of the sign-up and calendar courses, and the programmes'.
  assert.ok(Number(sqlite(a, "SELECT COUNT(*) FROM enrolments WHERE role = 'learner'")) > 10200 + 995 + 100);
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM enrolments WHERE role = 'instructor'"), '50');
  assert.ok(Number(sqlite(a, 'SELECT COUNT(*) FROM activity_progress')) > 10000);
  assert.ok(Number(sqlite(a, 'SELECT COUNT(*) FROM enrolments WHERE completed_at IS NOT NULL')) > 1000);
  // Categories three levels deep.
  assert.ok(Number(sqlite(a, 'SELECT COUNT(*) FROM course_categories c JOIN course_categories p ON p.id = c.parent_id ' +
    'JOIN course_categories g ON g.id = p.parent_id')) > 0);
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM courses_fts WHERE courses_fts MATCH 'safety'") > '0', true);
  // Four levels: the deepest department has three ancestors.
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM departments d JOIN departments p ON p.id = d.parent_id ' +
    'JOIN departments g ON g.id = p.parent_id JOIN departments r ON r.id = g.parent_id'), '8');
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM users WHERE manager_id IS NULL AND (roles & 1) = 0'), '1',
    'everyone but the administrators and the top head has a line manager');
  // Schedules: 20 programmes and 10 certifications of three courses each, assigned to
  // departments; everyone assigned and not complete is enrolled in the three courses; most of
  // a certification's people hold it, with an expiry a year after their completion.
  assert.equal(sqlite(a, 'SELECT COUNT(*), COUNT(cert_valid_days) FROM programmes'), '30|10');
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM programme_rules WHERE kind = 'department'"), '30');
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM programme_set_courses'), '90');
  assert.ok(Number(sqlite(a, 'SELECT COUNT(*) FROM programme_assignments')) > 3000);
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM programme_assignments a JOIN programme_sets s ON s.programme_id = a.programme_id ' +
    'JOIN programme_set_courses sc ON sc.set_id = s.id WHERE a.completed_at IS NULL AND NOT EXISTS (SELECT 1 FROM enrolments e ' +
    'WHERE e.course_id = sc.course_id AND e.user_id = a.user_id AND e.unenrolled_at IS NULL)'), '0');
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM programme_assignments WHERE expires_at IS NOT NULL AND expires_at <> completed_at + 365 * 86400'), '0');
  assert.ok(Number(sqlite(a, 'SELECT COUNT(*) FROM programme_assignments WHERE expires_at IS NOT NULL')) > 500);
  // Question banks, a quiz in every course, and attempts in every state, the same every time.
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM quizzes'), '51');
  const attempts = 'SELECT quiz_id, user_id, number, state, percent FROM quiz_attempts ORDER BY id';
  assert.equal(sqlite(a, attempts), sqlite(b, attempts));
  assert.equal(sqlite(a, 'SELECT GROUP_CONCAT(DISTINCT state) FROM (SELECT state FROM quiz_attempts ORDER BY state)'),
    'in_progress,submitted');
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM quiz_attempts WHERE state = 'submitted' AND percent IS NULL"), '0',
    'every submitted attempt is graded');
  // The burst course: its quiz of 16 questions and a session for each of its 200 learners.
  assert.equal(read(a, 'burst.tokens'), read(b, 'burst.tokens'));
  assert.equal(read(a, 'burst.tokens').split('\n').filter(Boolean).length, 200);
  const [code, quizId] = read(a, 'burst.quiz').trim().split(' ');
  assert.equal(code, 'BURST');
  assert.equal(sqlite(a, `SELECT COUNT(*) FROM quiz_questions WHERE quiz_id = ${Number(quizId)}`), '16');
  // Planning: rooms over four sites, four events in each classroom and blended course's session,
  // never more booked than seats, the same every time; the sign-up course's 995 learners (all
  // the learners of size S) signed in, and its session without events.
  assert.equal(sqlite(a, 'SELECT COUNT(*), COUNT(DISTINCT site) FROM rooms'), '20|4');
  const events = 'SELECT activity_id, title, starts_at, room_id, seats, seats_taken FROM events ORDER BY id';
  assert.equal(sqlite(a, events), sqlite(b, events));
  // Four in each session but SIGNUP's (none) and CALENDAR's (20).
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM events") , String(4 * Number(sqlite(a, "SELECT COUNT(*) FROM activities WHERE kind = 'session'")) - 8 + 20));
  assert.equal(sqlite(a, 'SELECT COUNT(*) FROM events WHERE seats_taken > seats OR seats_taken <> (SELECT COUNT(*) FROM ' +
    "event_bookings b WHERE b.event_id = events.id AND b.state = 'booked')"), '0');
  assert.equal(read(a, 'learner.sessions'), read(b, 'learner.sessions'));
  assert.match(read(a, 'learner.sessions'), /^[0-9a-f]{64} [A-Z]{3}-\d{4}\/sessions\/\d+$/m);
  assert.equal(read(a, 'signup.tokens'), read(b, 'signup.tokens'));
  assert.equal(read(a, 'signup.tokens').split('\n').filter(Boolean).length, 995);
  const [signup, sessionId] = read(a, 'signup.course').trim().split(' ');
  assert.equal(signup, 'SIGNUP');
  assert.equal(sqlite(a, `SELECT kind, (SELECT COUNT(*) FROM events WHERE activity_id = ${Number(sessionId)}) FROM activities WHERE id = ${Number(sessionId)}`), 'session|0');
  // The calendar course: 100 learners signed in, each booked on 20 events that do not overlap,
  // all in the month calendar.month names for them.
  assert.equal(read(a, 'calendar.tokens'), read(b, 'calendar.tokens'));
  const months = read(a, 'calendar.month').split('\n').filter(Boolean);
  assert.equal(months.length, 100);
  const [token, day] = months[0].split(' ');
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.match(day, /^\d{4}-\d{2}-01$/, 'the first event is on the first of the month');
  assert.equal(sqlite(a, "SELECT COUNT(DISTINCT b.user_id), COUNT(*) FROM event_bookings b JOIN events e ON e.id = b.event_id " +
    "JOIN courses c ON c.id = e.course_id WHERE c.code = 'CALENDAR' AND b.state = 'booked'"), `100|${100 * 20}`);
  assert.equal(sqlite(a, "SELECT COUNT(*) FROM events e JOIN events f ON f.activity_id = e.activity_id AND f.id < e.id " +
    "AND f.starts_at < e.ends_at AND e.starts_at < f.ends_at JOIN courses c ON c.id = e.course_id WHERE c.code = 'CALENDAR'"), '0');
  assert.equal(sqlite(a, "SELECT COUNT(DISTINCT strftime('%Y-%m', e.starts_at, 'unixepoch')) || '|' || MIN(date(e.starts_at, 'unixepoch')) " +
    "FROM events e JOIN courses c ON c.id = e.course_id WHERE c.code = 'CALENDAR'"), `1|${day}`);
  const other = path.join(tmpdir(t), 'c');
  assert.equal(lectern(['--data', other, 'bench-data', '--size', 'S', '--seed', '8']).code, 0);
  assert.notEqual(read(other, 'learner.tokens'), read(a, 'learner.tokens'), 'another seed, other tokens');
});

test('a cached dataset is reused; anything else is refused', (t) => {
  const dir = path.join(tmpdir(t), 'data');
  assert.equal(lectern(['--data', dir, 'bench-data', '--size', 'S']).code, 0);
  const tokens = read(dir, 'learner.tokens');
  fs.rmSync(path.join(dir, 'learner.tokens'));
  const again = lectern(['--data', dir, 'bench-data', '--size', 'S']);
  assert.equal(again.code, 0, again.out);
  assert.match(again.out, /Reusing the S dataset/);
  assert.equal(read(dir, 'learner.tokens'), tokens, 'the token files are written again');
  const otherSize = lectern(['--data', dir, 'bench-data', '--size', 'M']);
  assert.equal(otherSize.code, 1, otherSize.out);
  assert.match(otherSize.out, /already holds 1000 users/);
  const bad = lectern(['--data', dir, 'bench-data', '--size', 'XL']);
  assert.equal(bad.code, 2, bad.out);
});

test('the generated sessions sign in', async (t) => {
  const dir = path.join(tmpdir(t), 'data');
  assert.equal(lectern(['--data', dir, 'bench-data', '--size', 'S']).code, 0);
  const server = await startServer({ dataDir: dir, args: ['--session-idle', '315360000'] });
  t.after(() => server.stop());
  const learner = read(dir, 'learner.tokens').split('\n')[0];
  const admin = read(dir, 'admin.tokens').split('\n')[0];
  const d = await api(server, 'GET', '/api/v1/dashboard', { token: learner });
  assert.equal(d.status, 200, d.text);
  assert.ok(d.json.roles.includes('learner'), d.text);
  const u = await api(server, 'GET', '/api/v1/users?q=smith', { token: admin });
  assert.equal(u.status, 200, u.text);
  assert.ok(u.json.total > 0, u.text);
  // The course page for a learner on a course they are enrolled in (learner.courses).
  const [tok, code] = read(dir, 'learner.courses').split('\n')[0].split(' ');
  const c = await api(server, 'GET', `/api/v1/courses/${code}`, { token: tok });
  assert.equal(c.status, 200, c.text);
  const q = await api(server, 'GET', '/api/v1/courses?q=safety', { token: learner });
  assert.equal(q.status, 200, q.text);
  const pw = read(dir, 'password').trim();
  const username = u.json.items[0].username;
  const s = await api(server, 'POST', '/api/v1/sessions', { body: { username, password: pw } });
  assert.equal(s.status, 201, s.text);
});
