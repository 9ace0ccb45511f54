import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpOptionsOf, smtpSender } from './smtp-sender';

let server: Server | undefined;
afterEach(() => server?.close());

/** A relay that speaks just enough SMTP and keeps what it was given. */
async function fakeRelay(rcptReply = '250 ok'): Promise<{ port: number; messages: string[] }> {
  const messages: string[] = [];
  server = createServer((socket) => {
    let data = false;
    let message = '';
    socket.write('220 relay ready\r\n');
    socket.on('data', (chunk) => {
      for (const line of chunk
        .toString('utf8')
        .split('\r\n')
        .filter((l, i, all) => l !== '' || i < all.length - 1)) {
        if (data) {
          if (line === '.') {
            data = false;
            messages.push(message);
            socket.write('250 queued\r\n');
          } else message += `${line}\n`;
        } else if (line.startsWith('EHLO')) socket.write('250-relay\r\n250 SIZE 1000000\r\n');
        else if (line.startsWith('RCPT')) socket.write(`${rcptReply}\r\n`);
        else if (line === 'DATA') {
          data = true;
          socket.write('354 go ahead\r\n');
        } else if (line === 'QUIT') socket.end('221 bye\r\n');
        else if (line !== '') socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server!.address() as AddressInfo).port, messages };
}

describe('the SMTP hop of the local outbox', () => {
  it('hands an officer email to the relay with its subject and body', async () => {
    const relay = await fakeRelay();
    const send = smtpSender(smtpOptionsOf(`smtp://127.0.0.1:${relay.port}`));
    await send(
      'officer-1@example.org',
      '[CRITICAL] SOS: booth-1',
      'SOS at booth-1.\n.hidden dot line\nCall the booth.',
    );
    expect(relay.messages).toHaveLength(1);
    expect(relay.messages[0]).toContain('Subject: [CRITICAL] SOS: booth-1');
    expect(relay.messages[0]).toContain('To: officer-1@example.org');
    expect(relay.messages[0]).toContain('..hidden dot line');
  });

  it('fails with the relay reply when a recipient is refused', async () => {
    const relay = await fakeRelay('550 no such user');
    const send = smtpSender(smtpOptionsOf(`smtp://127.0.0.1:${relay.port}`));
    await expect(send('nobody@example.org', 's', 'b')).rejects.toThrow(/550 no such user/);
  });

  it('refuses an address that is not smtp://', () => {
    expect(() => smtpOptionsOf('http://x')).toThrow(/smtp:\/\//);
  });
});
