import { createPublicKey } from 'node:crypto';
import { ticketRevoked } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateTicketKey, MemoryTicketKeys } from '../adapters/local/file-ticket-keys';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { recordKeys } from '../domain/shared/keys';
import { ticketUseCases } from './tickets';

const T0 = Date.UTC(2026, 10, 27, 9);
let now = T0;
let records: MemoryRecordStore;
let ticketKeys: MemoryTicketKeys;

function tickets() {
  return ticketUseCases({ records, clock: { now: () => now }, ticketKeys }, { electionId: 'e-1' });
}

async function issued(ticketId: string, voterKey: string, electionId = 'e-1') {
  await records.put('tickets', {
    ...recordKeys.ticket(ticketId),
    ticketId,
    electionId,
    voterKey,
    issuedAt: T0,
    expiresAt: T0 + 3_600_000,
    status: 'issued',
  });
}

beforeEach(() => {
  now = T0;
  records = new MemoryRecordStore();
  ticketKeys = new MemoryTicketKeys('k1');
});

describe('revoking a ticket', () => {
  it('withdraws a live ticket once and announces it; a second revocation is refused', async () => {
    await issued('t-1', 'vk-1');
    now = T0 + 1_000;
    const done = await tickets().revoke('t-1', 'card stolen');
    const revokedAt = new Date(now).toISOString();
    expect(done.result).toEqual({ ok: true, value: { ticketId: 't-1', status: 'revoked', revokedAt } });
    expect(done.events).toEqual([
      expect.objectContaining({
        detailType: ticketRevoked.type,
        detail: { ticketId: 't-1', electionId: 'e-1', reason: 'card stolen', revokedAt },
      }),
    ]);
    expect(await records.get('tickets', recordKeys.ticket('t-1'))).toMatchObject({
      status: 'revoked',
      revokedBecause: 'card stolen',
    });
    expect(await tickets().revoke('t-1', 'again')).toMatchObject({
      result: { ok: false, error: 'ticket-revoked' },
      events: [],
    });
  });

  it("refuses a ticket it does not know, or another election's, announcing nothing", async () => {
    await issued('t-old', 'vk-1', 'e-0');
    for (const ticketId of ['t-none', 't-old'])
      expect(await tickets().revoke(ticketId, 'lost')).toMatchObject({
        result: { ok: false, error: 'unknown-ticket' },
        events: [],
      });
  });
});

describe("a ticket's status", () => {
  it('reads valid, then used once its voter voted, revoked once withdrawn, and expired after its time', async () => {
    await issued('t-1', 'vk-1');
    await issued('t-2', 'vk-2');
    await issued('t-3', 'vk-3');
    expect(await tickets().status('t-1')).toEqual({ ok: true, value: 'valid' });
    await records.put('voters', { ...recordKeys.voterStatus('vk-1', 'e-1'), status: 'voted' });
    expect(await tickets().status('t-1')).toEqual({ ok: true, value: 'used' });
    await tickets().revoke('t-2', 'lost');
    expect(await tickets().status('t-2')).toEqual({ ok: true, value: 'revoked' });
    now = T0 + 3_600_000;
    expect(await tickets().status('t-3')).toEqual({ ok: true, value: 'expired' });
    expect(await tickets().status('t-none')).toEqual({ ok: false, error: 'unknown-ticket' });
  });
});

describe('the ticket keys', () => {
  it('name the signing key and every key that verifies, a rotation included', () => {
    const app = tickets();
    const next = generateTicketKey();
    ticketKeys.rotate('k2', next);
    const keys = app.keys();
    expect(keys.currentKeyId).toBe('k2');
    expect(keys.keys.map((k) => k.keyId)).toEqual(['k1', 'k2']);
    const pem = createPublicKey(next).export({ type: 'spki', format: 'pem' }).toString();
    expect(keys.keys[1]?.publicKeyPem).toBe(pem);
  });
});
