// Helpers for the command-line suites (tests/cli/): running the binary under test with an
// environment that picks no data directory or database of its own, and a fresh initialised
// data directory per test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lecternBin } from './server.mjs';

/** Runs `lectern ARGS` to the end with input on standard input; db becomes LECTERN_DB (none by
 *  default) and env adds variables. Returns { code, stdout, stderr }; dying of a signal fails
 *  the test. */
export function run(args, { db, input, env } = {}) {
  const r = spawnSync(lecternBin(), args, {
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    // The environment must not pick a data directory or database for the tests.
    env: { ...process.env, LECTERN_DATA: '', LECTERN_DB: db ?? '', LECTERN_DEV_ASSETS: '', ...env },
  });
  if (r.error) throw r.error;
  assert.equal(r.signal, null, `lectern ${args.join(' ')} died of ${r.signal}\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary directory named after the suite, removed when test t ends, with an initialised
 *  data directory in it. Returns lectern(args, expectCode, opts), which runs with --data and
 *  checks the exit code when one is given, and file(name, text), which writes a file in the
 *  directory and returns its path. */
export function setup(t, suite) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lectern-cli-${suite}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const data = path.join(dir, 'data');
  assert.equal(run(['--data', data, 'init']).code, 0);
  const lectern = (args, expectCode, opts) => {
    const r = run(['--data', data, ...args], opts);
    if (expectCode !== undefined) assert.equal(r.code, expectCode, `lectern ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const file = (name, text) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  return { lectern, file };
}

/** `lectern ARGS` on the database of a running server (started by startServer), so a suite can
 *  check a command's work through the API on whichever engine the suite runs on. Returns
 *  stdout and stderr together; checks the exit code. */
export function onServer(server) {
  const db = server.dbUrl ? ['--db', server.dbUrl] : [];
  return (args, expectCode) => {
    const r = run(['--data', server.dataDir, ...db, ...args]);
    assert.equal(r.code, expectCode, `lectern ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout + r.stderr;
  };
}

/** The path of a file under tests/fixtures: CSV files as Moodle, Canvas and spreadsheets write them. */
export function fixture(name) {
  return path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', name);
}
