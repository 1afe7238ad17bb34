// lectern maintenance on | off | status: read-only mode from the terminal. It says what it did
// and what holds now, ends by itself at --until (status reads it off afterwards, with nothing
// written), refuses an --until in the past (exit 1, nothing changed) and bad arguments (exit 2);
// every change is in the audit log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup } from '../lib/cli.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('on and off say what holds, and both are audited', (t) => {
  const { lectern } = setup(t, 'maintenance');
  assert.match(lectern(['maintenance', 'status'], 0).stdout, /^read-only mode: off$/m);
  assert.match(lectern(['maintenance', 'on', '--message', 'Upgrading Lectern'], 0).stdout,
    /^read-only mode: on, until turned off: Upgrading Lectern$/m);
  assert.match(lectern(['maintenance', 'status'], 0).stdout, /on, until turned off: Upgrading Lectern/);
  assert.match(lectern(['maintenance', 'off'], 0).stdout, /^read-only mode: off$/m);
  const audit = lectern(['audit', 'tail', '-n', '5'], 0).stdout;
  assert.match(audit, /maintenance\.read_only_on/);
  assert.match(audit, /maintenance\.read_only_off/);
});

test('--until ends it by itself; a time in the past is refused and changes nothing', async (t) => {
  const { lectern } = setup(t, 'maintenance-until');
  const until = new Date(Date.now() + 2000).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.match(lectern(['maintenance', 'on', '--until', until], 0).stdout, new RegExp(`until ${until}`));
  for (let i = 0; i < 100 && /: on/.test(lectern(['maintenance', 'status'], 0).stdout); i++) await sleep(200);
  assert.match(lectern(['maintenance', 'status'], 0).stdout, /^read-only mode: off$/m);
  const past = lectern(['maintenance', 'on', '--until', '2001-01-01T00:00:00Z'], 1);
  assert.match(past.stderr, /in the future/);
  assert.match(lectern(['maintenance', 'status'], 0).stdout, /off/);
});

test('bad arguments exit 2 with a message', (t) => {
  const { lectern } = setup(t, 'maintenance-usage');
  for (const args of [['maintenance'], ['maintenance', 'sideways'], ['maintenance', 'on', '--until', 'soon'],
    ['maintenance', 'off', '--message', 'x'], ['maintenance', 'on', 'extra']]) {
    const r = lectern(args, 2);
    assert.notEqual(r.stderr, '', args.join(' '));
  }
});
