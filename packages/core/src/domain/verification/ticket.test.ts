import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  generateTicketKey,
  loadFileTicketKeys,
  MemoryTicketKeys,
  rotateFileTicketKeys,
} from '../../adapters/local/file-ticket-keys';
import { mintTicket, readTicket, type TicketClaims } from './ticket';

const claims: TicketClaims = {
  ticketId: 'tQ1w2e3r4t5y6u7i8',
  electionId: 'general-2026',
  voterKey: 'Xk3J9v0aB1c2D3e4F5g6H7i8J9k0L1m2',
  issuedAt: 1_790_000_000_000,
  expiresAt: 1_797_776_000_000,
};

/** Every string that differs from the ticket in exactly one bit of one character. */
function singleBitFlips(ticket: string): string[] {
  const flips: string[] = [];
  for (let i = 0; i < ticket.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const code = ticket.charCodeAt(i) ^ (1 << bit);
      flips.push(ticket.slice(0, i) + String.fromCharCode(code) + ticket.slice(i + 1));
    }
  }
  return flips;
}

describe('tickets', () => {
  it('reads back the claims of a ticket it minted, key id included', async () => {
    const keys = new MemoryTicketKeys('k7');
    const ticket = await mintTicket(keys, claims);
    expect(ticket.split('.')[1]).toBe('k7');
    expect(readTicket(keys, ticket)).toEqual({ ok: true, value: claims });
  });

  it('stays short enough for a QR code', async () => {
    const ticket = await mintTicket(new MemoryTicketKeys(), claims);
    expect(ticket.length).toBeLessThan(300);
  });

  it.each(['ed25519', 'ecdsa-p256'] as const)('refuses every single-bit flip of a %s ticket', async (alg) => {
    const keys = new MemoryTicketKeys('k1', generateTicketKey(alg));
    const ticket = await mintTicket(keys, claims);
    const flips = singleBitFlips(ticket);
    expect(flips).toHaveLength(ticket.length * 8);
    const accepted = flips.filter((flipped) => readTicket(keys, flipped).ok);
    expect(accepted).toEqual([]);
  });

  it('refuses a ticket signed by a key it does not know, even under a known key id', async () => {
    const keys = new MemoryTicketKeys('k1');
    const stranger = new MemoryTicketKeys('k1');
    const ticket = await mintTicket(stranger, claims);
    expect(readTicket(keys, ticket)).toEqual({ ok: false, error: 'forged' });
    const otherId = await mintTicket(new MemoryTicketKeys('k9'), claims);
    expect(readTicket(keys, otherId)).toEqual({ ok: false, error: 'forged' });
  });

  it('refuses a ticket relabelled to another trusted key id', async () => {
    const keys = new MemoryTicketKeys('k1');
    const ticket = await mintTicket(keys, claims);
    keys.rotate('k2');
    const relabelled = ticket.replace('.k1.', '.k2.');
    expect(readTicket(keys, relabelled)).toEqual({ ok: false, error: 'forged' });
  });

  it('keeps verifying old tickets after a rotation, and signs new ones with the new key', async () => {
    const keys = new MemoryTicketKeys('k1');
    const old = await mintTicket(keys, claims);
    keys.rotate('k2', generateTicketKey('ecdsa-p256'));
    const fresh = await mintTicket(keys, claims);
    expect(fresh.split('.')[1]).toBe('k2');
    expect(readTicket(keys, old).ok).toBe(true);
    expect(readTicket(keys, fresh).ok).toBe(true);
  });

  it('stops accepting tickets of a withdrawn key', async () => {
    const keys = new MemoryTicketKeys('k1');
    const old = await mintTicket(keys, claims);
    keys.rotate('k2');
    keys.withdraw('k1');
    expect(readTicket(keys, old)).toEqual({ ok: false, error: 'forged' });
  });

  it('rotates key files: a restart signs with the newest and verifies with all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-keys-'));
    const first = loadFileTicketKeys(dir);
    const old = await mintTicket(first, claims);
    for (let i = 0; i < 10; i++) rotateFileTicketKeys(dir, i % 2 === 0 ? 'ecdsa-p256' : 'ed25519');
    const restarted = loadFileTicketKeys(dir);
    expect(restarted.currentKeyId).toBe('k11');
    expect(readTicket(restarted, old).ok).toBe(true);
    expect(readTicket(restarted, await mintTicket(restarted, claims)).ok).toBe(true);
  });

  it('calls text that is not a BT1 ticket malformed', () => {
    const keys = new MemoryTicketKeys();
    for (const text of ['', 'BT1', 'BT2.k1.a.b', 'BT1.k1.a', 'BT1.k1.a.b.c', 'hello world']) {
      expect(readTicket(keys, text)).toEqual({ ok: false, error: 'malformed' });
    }
  });
});
