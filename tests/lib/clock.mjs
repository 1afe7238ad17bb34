// The test clock (src/core/clock.c): `lectern clock` moves "now" for a server's data directory
// (test builds only); the server reads it within a second. And the certification renewal scan
// and the reminder scan, run now on the server's workers through the job queue.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { lecternBin, poll } from './server.mjs';

function lectern(server, args) {
  const all = [...args, '--data', server.dataDir, ...(server.dbUrl ? ['--db', server.dbUrl] : [])];
  const r = spawnSync(lecternBin(), all, { encoding: 'utf8' });
  assert.equal(r.status, 0, `lectern ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Moves the server's clock forward by span ("335d", "12h") and waits until it has read it. */
export async function advanceClock(server, span) {
  lectern(server, ['clock', 'advance', span]);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // the server reads the file at most once a second
}

/** Runs the job of this kind now on the server's workers and waits until it is done; returns the job. */
export async function runJobNow(server, kind) {
  const id = /queued job (\d+)/.exec(lectern(server, ['jobs', 'enqueue', kind]))[1];
  return poll(() => {
    const job = JSON.parse(lectern(server, ['jobs', 'show', id, '--json']));
    return job.state === 'done' ? job : null;
  }, { timeoutMs: 20000, intervalMs: 200, what: `${kind} job ${id} done` });
}

/** Runs the certification renewal scan now and waits until its job is done; returns its result. */
export function runRenewalScan(server) {
  return runJobNow(server, 'certifications.renew');
}

/** Runs the programmes' reminder scan (due dates and expiry warnings) now; returns its job. */
export function runReminderScan(server) {
  return runJobNow(server, 'schedules.reminders');
}
