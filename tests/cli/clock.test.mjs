// `lectern clock` (test builds only): setting and advancing the clock of a data directory,
// refusing words it cannot read with what to write instead, and the release build having no
// such command (build/lectern, or LECTERN_RELEASE_BIN; skipped when it has not been built).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { setup } from '../lib/cli.mjs';
import { repoRoot } from '../lib/server.mjs';

test('clock set, advance, show and reset move the data directory\'s clock', (t) => {
  const { lectern } = setup(t, 'clock');
  assert.equal(lectern(['clock', 'set', '2027-11-01T09:00:00Z'], 0).stdout.trim(), '2027-11-01T09:00:00Z');
  assert.equal(lectern(['clock', 'advance', '335d'], 0).stdout.trim(), '2028-10-01T09:00:00Z');
  assert.match(lectern(['clock', 'show'], 0).stdout, /^2028-10-01T09:00:0\dZ$/m);
  const now = Date.now();
  const reset = Date.parse(lectern(['clock', 'reset'], 0).stdout.trim());
  assert.ok(Math.abs(reset - now) < 60000, 'reset: the real time again');
});

test('clock refuses a moment or a span it cannot read, saying how to write it', (t) => {
  const { lectern } = setup(t, 'clock-bad');
  assert.match(lectern(['clock', 'set', 'next tuesday'], 2).stderr, /2027-11-01T09:00:00Z/);
  assert.match(lectern(['clock', 'advance', '3 weeks'], 2).stderr, /335d, 12h, 30m or 90s/);
  assert.match(lectern(['clock', 'rewind'], 2).stderr, /show.*set.*advance.*reset/);
});

test('the release build has no clock command', (t) => {
  const bin = process.env.LECTERN_RELEASE_BIN || path.join(repoRoot, 'build', 'lectern');
  if (!fs.existsSync(bin)) {
    t.skip(`no release binary at ${bin} (make build/lectern)`);
    return;
  }
  const r = spawnSync(bin, ['clock', 'set', '2030-01-01T00:00:00Z'], { encoding: 'utf8', env: { ...process.env, LECTERN_DATA: '' } });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /'clock' is not a lectern command/);
  assert.doesNotMatch(spawnSync(bin, ['--help'], { encoding: 'utf8' }).stdout, /clock/);
});
