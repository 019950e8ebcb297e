/**
 * Real local receivers for report deliveries: an HTTP server that records every POST (and can
 * answer the first N of a path with an error), and an SMTP server (the `smtp-server` package)
 * that keeps every message, with a minimal MIME reader for its text and HTML parts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  /** The next `times` POSTs to `path` are answered `status` with `body`. */
  failNext(path: string, times: number, status?: number, body?: string): void;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const received: Received[] = [];
  const failures = new Map<string, { times: number; status: number; body: string }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const fail = failures.get(path);
      if (fail && fail.times > 0) {
        fail.times--;
        res.writeHead(fail.status, { 'content-type': 'text/plain' }).end(fail.body);
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      received.push({ path, headers: req.headers, body: text ? JSON.parse(text) : null });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (path, times, status = 500, body = 'failure') => failures.set(path, { times, status, body }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Mail {
  from: string;
  to: string[];
  raw: string;
  /** The decoded text/plain and text/html parts. */
  text: string;
  html: string;
  subject: string;
  auth: { user?: string; pass?: string };
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** An SMTP server on a free loopback port; with `auth`, it requires those credentials. */
export async function startSmtpReceiver(auth?: { user: string; pass: string }): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const sessions = new Map<string, { user?: string; pass?: string }>();
  const server = new SMTPServer({
    authOptional: !auth,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(a, session, callback) {
      if (!auth || (a.username === auth.user && a.password === auth.pass)) {
        sessions.set(session.id, { user: a.username ?? undefined, pass: a.password ?? undefined });
        callback(null, { user: a.username });
      } else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          text: mimePart(raw, 'text/plain'),
          html: mimePart(raw, 'text/html'),
          subject: decodeHeader(/^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(raw)?.[1] ?? ''),
          auth: sessions.get(session.id) ?? {},
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The body of the first MIME part of `type`, decoded (quoted-printable, base64 or as is). */
export function mimePart(raw: string, type: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const head = part.slice(0, split);
    if (!new RegExp(`^Content-Type: ${type}`, 'im').test(head)) continue;
    let body = part.slice(split).replace(/^\r?\n\r?\n/, '');
    body = body.replace(/\r?\n--[^\r\n]*--\s*$/, '');
    const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(head)?.[1]?.toLowerCase();
    if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    return body;
  }
  return '';
}

function decodeQuotedPrintable(s: string): string {
  const text = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= / =?UTF-8?B?...?=) of a header. */
function decodeHeader(value: string): string {
  return value
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' '))
    );
}
