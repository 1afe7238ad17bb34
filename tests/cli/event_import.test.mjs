// lectern event import: events of session activities from CSV. The command runs on the database
// of a live server (rooms, courses and instructors are made through the API), and the API shows
// what was written: the preview, --dry-run writing nothing, the same file again unchanged,
// located errors (zone, times, room, trainer, course, session, a time the clocks skip or pass
// twice), all or nothing, and a course without a session activity getting one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, show, adminToken, createUser } from '../lib/server.mjs';
import { onServer } from '../lib/cli.mjs';

const PW = 'Copper-Lantern-Orchard-47';
let server;
let admin;
let lectern;

async function call(method, path, body, status) {
  const r = await api(server, method, path, { token: admin, body });
  if (status) assert.equal(r.status, status, `${method} ${path}: ${show(r)}`);
  return r.json;
}

async function course(code, title, sessions) {
  await call('POST', '/api/v1/courses', { code, title, kind: 'classroom', status: 'published' }, 201);
  if (!sessions.length) return;
  const section = (await call('POST', `/api/v1/courses/${code}/sections`, { title: 'Class' }, 201)).id;
  for (const t of sessions)
    await call('POST', `/api/v1/courses/${code}/activities`, { section_id: section, kind: 'session', title: t }, 201);
}

before(async () => {
  server = await startServer({ args: ['--job-workers', '0'] });
  admin = await adminToken(server);
  lectern = onServer(server);
  await course('IMP-1', 'First aid', ['Classroom day']);
  await course('IMP-2', 'Fire wardens', ['Morning', 'Afternoon']);
  await course('IMP-3', 'Manual handling', []);
  for (const username of ['ivy', 'ola', 'lea'])
    await createUser(server, { username, first_name: username, last_name: 'X', roles: [username === 'lea' ? 'learner' : 'instructor'], password: PW }, admin);
  for (const code of ['IMP-1', 'IMP-2', 'IMP-3'])
    for (const username of ['ivy', 'ola'])
      await call('POST', `/api/v1/courses/${code}/enrolments`, { username, role: 'instructor' }, 201);
  await call('POST', `/api/v1/courses/IMP-1/enrolments`, { username: 'lea', role: 'learner' }, 201);
  for (const [name, site] of [['Lab', 'Head office'], ['Room 1', 'Head office'], ['Room 1', 'Lisbon'], ['Studio A / B', 'Lisbon']])
    await call('POST', '/api/v1/rooms', { name, site, capacity: 20 }, 201);
});
after(async () => { if (server) await server.stop(); });

const HEADER = 'course,title,start,end,timezone,room,seats,trainers,meeting_url,min_seats,note\n';
const events = async (code) => (await call('GET', `/api/v1/courses/${code}/events`, undefined, 200)).events;
const file = (name, text) => {
  const p = `${server.dataDir}/../${name}`;
  return import('node:fs').then((fs) => { fs.writeFileSync(p, text); return p; });
};

test('a file of events: previewed, written in the rows\' zones, and the same file again changes nothing', async () => {
  const f = await file('events.csv', HEADER +
    'IMP-1,Day one,2030-03-04 09:00,2030-03-04 17:00,Europe/London,Lab,12,ivy,,4,Bring a pen\n' +
    'IMP-1,Day two,2030-07-01 09:30,2030-07-01 12:00,Europe/London,Lisbon / Room 1,8,ivy; ola,,,\n' +
    '\n' + // a blank line is passed over
    'IMP-1,Online catch-up,2030-07-02T10:00,2030-07-02T11:00,America/New_York,,30,ola,https://meet.example.org/x,,\n' +
    'IMP-1,Studio day,2030-07-03 09:00,2030-07-03 12:00,Europe/Lisbon,Studio A / B,6,ola,,,\n'); // a name holding " / "
  const dry = lectern(['event', 'import', f, '--dry-run'], 0);
  assert.match(dry, /^line 2: create IMP-1 2030-03-04 09:00 Day one$/m);
  assert.match(dry, /4 to create, 0 to update, 0 unchanged, 0 skipped, 0 with errors; nothing written \(--dry-run\)/);
  assert.deepEqual(await events('IMP-1'), [], '--dry-run wrote nothing');

  assert.match(lectern(['event', 'import', f], 0), /4 to create, .* 0 with errors; written/);
  const list = await events('IMP-1');
  assert.deepEqual(list.map((e) => [e.title, e.starts_at, e.ends_at, e.timezone]), [
    ['Day one', '2030-03-04T09:00:00Z', '2030-03-04T17:00:00Z', 'Europe/London'],
    ['Day two', '2030-07-01T08:30:00Z', '2030-07-01T11:00:00Z', 'Europe/London'], // summer time
    ['Online catch-up', '2030-07-02T14:00:00Z', '2030-07-02T15:00:00Z', 'America/New_York'],
    ['Studio day', '2030-07-03T08:00:00Z', '2030-07-03T11:00:00Z', 'Europe/Lisbon'],
  ]);
  const [one, two, online, studio] = list;
  assert.equal(studio.room.name, 'Studio A / B');
  assert.equal(one.room.name, 'Lab');
  assert.deepEqual([one.seats, one.min_seats, one.note, one.trainers], [12, 4, 'Bring a pen', ['ivy']]);
  assert.deepEqual([two.room.name, two.room.site, two.trainers.sort()], ['Room 1', 'Lisbon', ['ivy', 'ola']]);
  assert.deepEqual([online.room, online.meeting_url], [null, 'https://meet.example.org/x']);

  const again = lectern(['event', 'import', f], 0);
  assert.match(again, /^line 2: unchanged IMP-1 2030-03-04 09:00 Day one: already planned$/m);
  assert.match(again, /0 to create, 0 to update, 4 unchanged/);
  assert.equal((await events('IMP-1')).length, 4);
});

test('every problem is named by line and column, and one bad row writes nothing at all', async () => {
  const before = (await events('IMP-1')).length;
  const f = await file('bad.csv', HEADER +
    'IMP-1,Fine,2030-09-01 09:00,2030-09-01 12:00,Europe/London,Lab,10,ivy,,,\n' +
    'IMP-1,Bad zone,2030-09-02 09:00,2030-09-02 12:00,Europe/Lndon,Lab,10,ivy,,,\n' +
    'IMP-1,Backwards,2030-09-03 12:00,2030-09-03 09:00,Europe/London,Lab,10,ivy,,,\n' +
    'IMP-1,Attic,2030-09-04 09:00,2030-09-04 12:00,Europe/London,Attic,10,ivy,,,\n' +
    'IMP-1,Stranger,2030-09-05 09:00,2030-09-05 12:00,Europe/London,Lab,10,nobody,,,\n' +
    'NOPE-1,No course,2030-09-06 09:00,2030-09-06 12:00,Europe/London,Lab,10,ivy,,,\n' +
    'IMP-1,Gap,2027-03-28 01:30,2027-03-28 03:00,Europe/London,Lab,10,ivy,,,\n' +
    'IMP-1,Twice,2027-10-31 01:30,2027-10-31 03:00,Europe/London,Lab,10,ivy,,,\n' +
    'IMP-1,Which room,2030-09-07 09:00,2030-09-07 12:00,Europe/London,Room 1,10,ivy,,,\n' +
    'IMP-1,Learner trains,2030-09-08 09:00,2030-09-08 12:00,Europe/London,Lab,10,lea,,,\n' +
    'IMP-1,No seats,2030-09-09 09:00,2030-09-09 12:00,Europe/London,Lab,lots,ivy,,,\n');
  const out = lectern(['event', 'import', f], 1);
  for (const re of [
    /^line 3: column timezone: 'Europe\/Lndon' is no time zone/m,
    /^line 4: column end: The event must end after it starts\.$/m,
    /^line 5: column room: There is no room 'Attic'/m,
    /^line 6: column trainers: There is no user 'nobody'\.$/m,
    /^line 7: column course: There is no course 'NOPE-1'\.$/m,
    /^line 8: column start: 2027-03-28 01:30 does not exist in Europe\/London: the clocks go forward then/m,
    /^line 9: column start: 2027-10-31 01:30 happens twice in Europe\/London, .*2027-10-31 01:30\+01:00 or 2027-10-31 01:30\+00:00\.$/m,
    /^line 10: column room: Rooms at several sites are called 'Room 1' \('Head office', 'Lisbon'\); write it as 'site \/ name'\.$/m,
    /^line 11: column trainers: 'lea' is not an instructor of this course/m,
    /^line 12: column seats: Give a whole number from 1 to 100,000\.$/m,
  ]) assert.match(out, re);
  assert.match(out, /^line 2: create IMP-1 2030-09-01 09:00 Fine$/m);
  assert.match(out, /1 to create, 0 to update, 0 unchanged, 0 skipped, 10 with errors; nothing written: fix the errors and run again/);
  assert.equal((await events('IMP-1')).length, before, 'the good row was not written either');

  // The repeated hour with the offset that is meant is one instant: accepted.
  const fixed = await file('fixed.csv', HEADER + 'IMP-1,Twice,2027-10-31T01:30+00:00,2027-10-31T03:00,Europe/London,Lab,10,ivy,,,\n');
  lectern(['event', 'import', fixed], 0);
  const twice = (await events('IMP-1')).find((e) => e.title === 'Twice');
  assert.equal(twice.starts_at, '2027-10-31T01:30:00Z');
});

test('sessions: the one named, the only one, or a new one for a course that has none', async () => {
  const head = 'course,title,start,end,timezone,room,seats,trainers,session\n';
  const refused = lectern(['event', 'import', await file('s1.csv', head +
    'IMP-2,Drill,2030-10-01 09:00,2030-10-01 12:00,Europe/Lisbon,Lab,10,ivy,\n' +
    'IMP-2,Drill,2030-10-02 09:00,2030-10-02 12:00,Europe/Lisbon,Lab,10,ivy,Evening\n')], 1);
  assert.match(refused, /^line 2: column session: The course IMP-2 has several sessions \('Morning', 'Afternoon'\); say which in a session column\.$/m);
  assert.match(refused, /^line 3: column session: The course IMP-2 has no session 'Evening'; its sessions: 'Morning', 'Afternoon'\.$/m);
  lectern(['event', 'import', await file('s2.csv', head +
    'IMP-2,Drill,2030-10-02 14:00,2030-10-02 16:00,Europe/Lisbon,Lab,10,ivy,afternoon\n')], 0);
  const [drill] = await events('IMP-2');
  const outline = await call('GET', '/api/v1/courses/IMP-2', undefined, 200);
  const afternoon = outline.sections[0].activities.find((a) => a.title === 'Afternoon');
  assert.equal(drill.activity_id, afternoon.id);

  const created = lectern(['event', 'import', await file('s3.csv', head +
    'IMP-3,Lifting,2030-10-03 09:00,2030-10-03 12:00,Europe/London,Lab,10,ola,\n' +
    'IMP-3,Lifting,2030-10-10 09:00,2030-10-10 12:00,Europe/London,Lab,10,ola,\n')], 0);
  assert.match(created, /^line 2: create IMP-3 2030-10-03 09:00 Lifting: with a new session 'Manual handling'$/m);
  assert.match(created, /^line 3: create IMP-3 2030-10-10 09:00 Lifting$/m);
  const three = await events('IMP-3');
  assert.equal(three.length, 2);
  assert.equal(three[0].activity_id, three[1].activity_id, 'both events are in the one new session');
});

test('a file without the needed columns, and usage errors', async () => {
  const out = lectern(['event', 'import', await file('cols.csv', 'course,title,start\nIMP-1,x,2030-01-01 09:00\n')], 1);
  assert.match(out, /The file has no 'end' column/);
  lectern(['event', 'import'], 2);
  lectern(['event', 'export'], 2);
  assert.match(lectern(['event', 'import', '--help'], 0), /usage: lectern event import FILE \[--dry-run\]/);
});
