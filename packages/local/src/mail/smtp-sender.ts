import { connect, type Socket } from 'node:net';
import type { MailSender } from '@ballotstream/core/adapters/local';

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  readonly timeoutMs?: number;
}

/** Reads an `smtp://host:port` address (a local relay such as MailHog); the sender defaults to alerts@<host>. */
export function smtpOptionsOf(url: string, from?: string): SmtpOptions {
  const u = new URL(url);
  if (u.protocol !== 'smtp:') throw new Error(`SMTP address must start with smtp://, got ${url}`);
  return { host: u.hostname, port: Number(u.port || 25), from: from ?? `alerts@${u.hostname}` };
}

/**
 * Sends each officer email to a plain SMTP relay (no TLS, no login: a relay on the operator's own
 * network or a local catcher). One connection per message; a relay that answers an error code
 * fails the send with its reply, and the outbox keeps the message either way.
 */
export function smtpSender(options: SmtpOptions): MailSender {
  return async (to, subject, body) => {
    const socket = connect(options.port, options.host);
    socket.setTimeout(options.timeoutMs ?? 10_000, () => socket.destroy(new Error('SMTP relay timed out')));
    const replies = replyReader(socket);
    try {
      await expect(replies, 220);
      for (const [command, code] of [
        ['EHLO ballotstream', 250],
        [`MAIL FROM:<${options.from}>`, 250],
        [`RCPT TO:<${to}>`, 250],
        ['DATA', 354],
      ] as const) {
        socket.write(`${command}\r\n`);
        await expect(replies, code);
      }
      const headers = [
        `From: ${options.from}`,
        `To: ${to}`,
        `Subject: ${subject.replace(/[\r\n]/g, ' ')}`,
        'Content-Type: text/plain; charset=utf-8',
      ];
      // A line holding a single dot ends DATA, so body lines starting with a dot are doubled.
      const text = body.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
      socket.write(`${headers.join('\r\n')}\r\n\r\n${text}\r\n.\r\n`);
      await expect(replies, 250);
      socket.write('QUIT\r\n');
    } finally {
      socket.end();
    }
  };
}

type Replies = () => Promise<string>;

/** Yields whole SMTP replies (the last line of a multi-line reply has a space after the code). */
function replyReader(socket: Socket): Replies {
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  const failed: ((error: Error) => void)[] = [];
  const ready: string[] = [];
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (/^\d{3}-/.test(line)) continue;
      const next = waiting.shift();
      failed.shift();
      if (next) next(line);
      else ready.push(line);
    }
  });
  socket.on('error', (error) => {
    for (const fail of failed.splice(0)) fail(error);
    waiting.length = 0;
  });
  return () =>
    ready.length > 0
      ? Promise.resolve(ready.shift()!)
      : new Promise((resolve, reject) => {
          waiting.push(resolve);
          failed.push(reject);
        });
}

async function expect(replies: Replies, code: number): Promise<void> {
  const reply = await replies();
  if (!reply.startsWith(String(code)))
    throw new Error(`SMTP relay answered "${reply}" where ${code} was expected`);
}
