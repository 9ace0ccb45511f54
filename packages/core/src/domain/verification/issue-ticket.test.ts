import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { HmacVoterPseudonyms, MemoryTicketKeys } from '../../adapters/local/file-ticket-keys';
import { LmdbRecordStore } from '../../adapters/local/lmdb-record-store';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { SeededVoterRegistry } from '../../adapters/local/seeded-voter-registry';
import { SimulatedBiometrics } from '../../adapters/local/simulated-biometrics';
import { recordKeys } from '../shared/keys';
import { type IssueCentreDeps, issueTicket, reissueTicket, revokeTicket, ticketStatus } from './issue-ticket';
import { readTicket } from './ticket';

const ELECTION = 'general-2026';
let now: number;
let deps: IssueCentreDeps;
let records: MemoryRecordStore;

const finger = (text: string) => Buffer.from(text);

beforeEach(async () => {
  now = Date.UTC(2026, 10, 1);
  records = new MemoryRecordStore();
  const registry = new SeededVoterRegistry(records);
  await registry.register([
    {
      voterId: 'IN-0001',
      name: 'Asha Rao',
      photoRef: 'photos/IN-0001.jpg',
      constituencyId: 'c-1',
      boothId: 'booth-7',
      eligible: true,
    },
    {
      voterId: 'IN-0002',
      name: 'Struck Off',
      photoRef: 'photos/IN-0002.jpg',
      constituencyId: 'c-1',
      eligible: false,
    },
  ]);
  deps = {
    keys: new MemoryTicketKeys('k1'),
    pseudonyms: new HmacVoterPseudonyms(Buffer.alloc(32, 7)),
    registry,
    biometrics: new SimulatedBiometrics(records),
    records,
    clock: { now: () => now },
    electionId: ELECTION,
    ticketTtlMs: 30 * 86_400_000,
  };
});

describe('the issue centre', () => {
  it('issues a signed ticket that names the voter only by keyed hash, and enrols the fingers', async () => {
    const result = await issueTicket(deps, {
      voterId: 'IN-0001',
      fingerprints: [finger('left'), finger('right')],
    });
    if (!result.ok) throw new Error(result.error);
    const issued = result.value;
    expect(issued.photoRef).toBe('photos/IN-0001.jpg');
    expect(issued.ticket).not.toContain('IN-0001');
    const read = readTicket(deps.keys, issued.ticket);
    expect(read).toEqual({
      ok: true,
      value: {
        ticketId: issued.ticketId,
        electionId: ELECTION,
        voterKey: deps.pseudonyms.voterKey('IN-0001'),
        issuedAt: now,
        expiresAt: now + deps.ticketTtlMs,
      },
    });
    expect(await deps.biometrics.match(issued.voterKey, finger('right'))).toBe('match');
    expect(await deps.biometrics.match(issued.voterKey, finger('thumb'))).toBe('mismatch');
    expect(JSON.stringify(await records.get('tickets', recordKeys.ticket(issued.ticketId)))).not.toContain(
      'IN-0001',
    );
  });

  it('refuses a person the registry does not know or says may not vote', async () => {
    expect(await issueTicket(deps, { voterId: 'IN-9999', fingerprints: [finger('x')] })).toEqual({
      ok: false,
      error: 'not-registered',
    });
    expect(await issueTicket(deps, { voterId: 'IN-0002', fingerprints: [finger('x')] })).toEqual({
      ok: false,
      error: 'not-eligible',
    });
  });

  it('issues one live ticket per voter, even to simultaneous clerks', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('f')] })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'already-issued')).toHaveLength(4);
  });

  it('reissues a card: the old ticket is revoked, the new one valid, and the old cannot be reissued again', async () => {
    const first = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('f')] });
    if (!first.ok) throw new Error(first.error);
    const second = await reissueTicket(deps, { ticketId: first.value.ticketId, reason: 'lost' });
    if (!second.ok) throw new Error(second.error);
    expect(second.value.replaces).toBe(first.value.ticketId);
    expect(second.value.voterKey).toBe(first.value.voterKey);
    expect(await ticketStatus(deps, first.value.ticketId)).toEqual({ ok: true, value: 'revoked' });
    expect(await ticketStatus(deps, second.value.ticketId)).toEqual({ ok: true, value: 'valid' });
    expect(await reissueTicket(deps, { ticketId: first.value.ticketId, reason: 'again' })).toEqual({
      ok: false,
      error: 'ticket-revoked',
    });
    expect(await deps.biometrics.match(second.value.voterKey, finger('f'))).toBe('match');
    // Both tickets name the booth the registry has the voter at, so a booth elsewhere sees a visitor.
    for (const id of [first.value.ticketId, second.value.ticketId]) {
      expect((await records.get('tickets', recordKeys.ticket(id)))?.homeBoothId).toBe('booth-7');
    }
  });

  it('lets a revoked live ticket be reissued, which repairs a crash half-way through a reissue', async () => {
    const first = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('f')] });
    if (!first.ok) throw new Error(first.error);
    expect((await revokeTicket(deps, { ticketId: first.value.ticketId, reason: 'stolen' })).ok).toBe(true);
    const again = await reissueTicket(deps, {
      ticketId: first.value.ticketId,
      reason: 'stolen',
      fingerprints: [finger('new')],
    });
    expect(again.ok).toBe(true);
    if (again.ok) expect(await deps.biometrics.match(again.value.voterKey, finger('f'))).toBe('mismatch');
  });

  it('revokes a ticket once, and knows no ticket it never issued', async () => {
    const first = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('f')] });
    if (!first.ok) throw new Error(first.error);
    expect((await revokeTicket(deps, { ticketId: first.value.ticketId, reason: 'x' })).ok).toBe(true);
    expect(await revokeTicket(deps, { ticketId: first.value.ticketId, reason: 'x' })).toEqual({
      ok: false,
      error: 'ticket-revoked',
    });
    expect(await revokeTicket(deps, { ticketId: 'tNope', reason: 'x' })).toEqual({
      ok: false,
      error: 'unknown-ticket',
    });
    expect(await ticketStatus(deps, 'tNope')).toEqual({ ok: false, error: 'unknown-ticket' });
  });

  it('reports a ticket used once its voter has voted, and expired after its expiry', async () => {
    const first = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('f')] });
    if (!first.ok) throw new Error(first.error);
    now += deps.ticketTtlMs;
    expect(await ticketStatus(deps, first.value.ticketId)).toEqual({ ok: true, value: 'expired' });
    await records.put('voters', {
      ...recordKeys.voterStatus(first.value.voterKey, ELECTION),
      status: 'voted',
    });
    expect(await ticketStatus(deps, first.value.ticketId)).toEqual({ ok: true, value: 'used' });
    expect(await reissueTicket(deps, { ticketId: first.value.ticketId, reason: 'lost' })).toEqual({
      ok: false,
      error: 'already-voted',
    });
  });
});

describe('the simulated biometric API', () => {
  it('keeps enrolments across a restart of the record store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-bio-'));
    const store = new LmdbRecordStore(dir);
    await new SimulatedBiometrics(store).enrol('voter-a', [finger('one'), finger('two')]);
    await store.close();
    const reopened = new LmdbRecordStore(dir);
    const biometrics = new SimulatedBiometrics(reopened);
    expect(await biometrics.match('voter-a', finger('two'))).toBe('match');
    expect(await biometrics.match('voter-a', finger('three'))).toBe('mismatch');
    expect(await biometrics.match('voter-b', finger('two'))).toBe('not-enrolled');
    await reopened.close();
  });

  it('answers the same sample the same way every time', async () => {
    const biometrics = new SimulatedBiometrics();
    await biometrics.enrol('voter-a', finger('one'));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => biometrics.match('voter-a', finger('one'))),
    );
    expect(new Set(answers)).toEqual(new Set(['match']));
  });
});

describe('the issue centre when the biometric API fails', () => {
  it('leaves no live ticket behind, so the clerk can simply try again', async () => {
    const biometrics = deps.biometrics;
    let failing = true;
    deps = {
      ...deps,
      biometrics: {
        enrol: async (key, prints) => {
          if (failing) throw new Error('biometric API: PUT /enrolments/{key}: 503 after 3 attempts');
          return biometrics.enrol(key, prints);
        },
        match: (key, sample) => biometrics.match(key, sample),
      },
    };
    const input = { voterId: 'IN-0001', fingerprints: [finger('left')] };
    await expect(issueTicket(deps, input)).rejects.toThrow(/biometric API/);
    failing = false;
    const retried = await issueTicket(deps, input);
    expect(retried.ok).toBe(true);
  });

  it('does not touch the enrolment of a voter who already holds a ticket', async () => {
    const first = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('left')] });
    expect(first.ok).toBe(true);
    const second = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [finger('impostor')] });
    expect(second).toEqual({ ok: false, error: 'already-issued' });
    const key = deps.pseudonyms.voterKey('IN-0001');
    expect(await deps.biometrics.match(key, finger('left'))).toBe('match');
    expect(await deps.biometrics.match(key, finger('impostor'))).toBe('mismatch');
  });
});
