// A local SMTP sink for the mail tests: Debian's python3-aiosmtpd on a free loopback port,
// writing every message it accepts into a Maildir that the test reads. Started and stopped by
// the test itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Decodes a quoted-printable body. */
function decodeQp(s) {
  return Buffer.from(s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

/** A received message: { file, raw, headers (lower-case names), subject, to, text, html }. */
export function parseMessage(raw, file) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const type = headers['content-type'] || 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type);
  if (!boundary) {
    // A single part: its decoded body, as text or as HTML.
    let decoded = body;
    if (/quoted-printable/i.test(headers['content-transfer-encoding'] || '')) decoded = decodeQp(decoded);
    const html = type.startsWith('text/html');
    return { file, raw, headers, subject: headers.subject, to: headers.to, text: html ? '' : decoded, html: html ? decoded : null };
  }
  const parts = [];
  for (const chunk of body.split('--' + boundary[1]).slice(1)) {
    if (chunk.startsWith('--')) break;
    parts.push(parseMessage(chunk.replace(/^\r?\n/, ''), file));
  }
  return {
    file, raw, headers, subject: headers.subject, to: headers.to,
    text: parts.find((x) => x.html === null)?.text ?? '', html: parts.find((x) => x.html !== null)?.html ?? null,
  };
}

/** The single-use link in a message (its token and the whole URL), or null. */
export function linkIn(message) {
  const m = /(https?:\/\/[^\s"<>]+\/reset-password\?token=([0-9a-f]{64}))/.exec(message.text);
  return m ? { url: m[1], token: m[2] } : null;
}

/**
 * Starts `/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c aiosmtpd.handlers.Mailbox DIR`.
 * options.port: a given port (e.g. one a server was told about before the sink existed).
 * Returns { port, messages(), waitFor(pred, opts), count(), stop() }.
 */
export async function startSmtpSink({ port } = {}) {
  const p = port || (await freePort());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-smtp-'));
  // The Mailbox handler creates the Maildir (cur, new, tmp) only when the folder is missing.
  const maildir = path.join(dir, 'maildir');
  let output = '';
  const proc = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${p}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (d) => { output += d; });
  proc.stderr.on('data', (d) => { output += d; });
  let exited = false;
  const exit = new Promise((resolve) => proc.on('exit', () => { exited = true; resolve(); }));
  const deadline = Date.now() + 15000;
  while (!(await canConnect(p))) {
    if (exited || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the SMTP sink did not start on port ${p}:\n${output}`);
    }
    await sleep(50);
  }
  const messages = () => {
    const out = [];
    for (const sub of ['new', 'cur']) {
      const d = path.join(maildir, sub);
      if (!fs.existsSync(d)) continue;
      for (const f of fs.readdirSync(d).sort()) out.push(parseMessage(fs.readFileSync(path.join(d, f), 'utf8'), f));
    }
    // Oldest first: Maildir names start with the delivery time.
    return out.sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }));
  };
  return {
    port: p,
    output: () => output,
    messages,
    count: () => messages().length,
    /** Waits until a message matches pred (default: any to `to`) and returns the newest match. */
    async waitFor(pred, { timeoutMs = 20000, what = 'a message' } = {}) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hits = messages().filter(pred);
        if (hits.length) return hits[hits.length - 1];
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the sink holds ${messages().length} messages\n${output}`);
        await sleep(100);
      }
    },
    async stop() {
      if (!exited) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
