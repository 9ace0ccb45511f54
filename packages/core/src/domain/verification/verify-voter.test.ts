import { randomBytes } from 'node:crypto';
import type { VerificationRequest } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryTicketKeys } from '../../adapters/local/file-ticket-keys';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { MemoryVoterCache } from '../../adapters/local/memory-voter-cache';
import { SimulatedBiometrics } from '../../adapters/local/simulated-biometrics';
import type { StoredRecord, TableName, WriteCondition } from '../../ports/record-store';
import { sha256 } from '../crypto/encoding';
import { recordKeys } from '../shared/keys';
import { mintTicket } from './ticket';
import { type VerifyVoterDeps, verifyVoter } from './verify-voter';

const ELECTION = 'general-2026';
const BUCKET = 60_000;

/** A record store that fails the writes a test chooses, as a crashed or unreachable store would. */
class FaultyRecordStore extends MemoryRecordStore {
  failNext: ((table: TableName, record: StoredRecord) => boolean) | undefined;

  override async put(table: TableName, record: StoredRecord, condition?: WriteCondition): Promise<boolean> {
    if (this.failNext?.(table, record)) {
      this.failNext = undefined;
      throw new Error(`simulated failure writing ${table}`);
    }
    return super.put(table, record, condition);
  }
}

let now: number;
let records: FaultyRecordStore;
let cache: MemoryVoterCache;
let deps: VerifyVoterDeps;
let keys: MemoryTicketKeys;

const fingerprint = (voter: string) => Buffer.from(`finger:${voter}`).toString('base64url');

async function ticketFor(
  voter: string,
  overrides: { electionId?: string; expiresAt?: number; homeBoothId?: string } = {},
) {
  const ticketId = `t-${voter}`;
  const claims = {
    ticketId,
    electionId: overrides.electionId ?? ELECTION,
    voterKey: `key-${voter}`,
    issuedAt: now - 1000,
    expiresAt: overrides.expiresAt ?? now + 86_400_000,
  };
  const home = overrides.homeBoothId === undefined ? {} : { homeBoothId: overrides.homeBoothId };
  await records.put('tickets', { ...recordKeys.ticket(ticketId), ...claims, status: 'issued', ...home });
  await deps.biometrics.enrol(claims.voterKey, Buffer.from(fingerprint(voter), 'base64url'));
  return mintTicket(keys, claims);
}

async function request(voter: string, machine = 'm-1', extra: Partial<VerificationRequest> = {}) {
  return {
    ticket: await ticketFor(voter),
    fingerprint: fingerprint(voter),
    boothId: `booth-of-${machine}`,
    machineId: machine,
    ...extra,
  };
}

beforeEach(async () => {
  now = Date.UTC(2026, 10, 27, 9, 30, 17, 123);
  records = new FaultyRecordStore();
  cache = new MemoryVoterCache({ now: () => now });
  keys = new MemoryTicketKeys('k1');
  deps = {
    keys,
    records,
    cache,
    biometrics: new SimulatedBiometrics(records),
    clock: { now: () => now },
    electionId: ELECTION,
    ballotTokenTtlMs: 10 * 60_000,
    claimTtlMs: 30_000,
    bucketMs: BUCKET,
  };
  for (const [machineId, blocked] of [
    ['m-1', false],
    ['m-2', false],
    ['m-blocked', true],
  ] as const) {
    await records.put('registry', {
      ...recordKeys.machine(machineId),
      machineId,
      boothId: `booth-of-${machineId}`,
      constituencyId: 'c-1',
      regionId: 'r-1',
      publicKey: randomBytes(32).toString('base64url'),
      blocked,
    });
  }
});

describe('verifying a voter at a booth', () => {
  it('grants a ballot token bound to the machine, expiring on a bucket boundary', async () => {
    const result = await verifyVoter(deps, await request('ana'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.machineId).toBe('m-1');
    expect(result.value.expiresAt % BUCKET).toBe(0);
    expect(result.value.expiresAt).toBeGreaterThanOrEqual(now + 10 * 60_000);
  });

  it('stores the token only as a hash, and no time finer than a day or the bucket', async () => {
    const result = await verifyVoter(deps, await request('ana', 'm-1', { attemptId: 'A'.repeat(22) }));
    if (!result.ok) throw new Error(result.error);
    const token = result.value.ballotToken;
    const ballot = await records.get('ballots', recordKeys.ballotToken(sha256(token)));
    expect(ballot).toBeDefined();
    const status = await records.get('voters', recordKeys.voterStatus('key-ana', ELECTION));
    expect(Object.keys(status!).sort()).toEqual(['attempt', 'boothId', 'day', 'pk', 'sk', 'status']);
    expect(status!.day).toBe('2026-11-27');
    for (const stored of [ballot!, status!]) {
      const text = JSON.stringify(stored);
      expect(text).not.toContain(token);
      expect(text).not.toContain('A'.repeat(22));
    }
    expect(Object.keys(ballot!).sort()).toEqual([
      'electionId',
      'expiresAt',
      'expiresAtSeconds',
      'machineId',
      'pk',
      'sk',
    ]);
    expect((ballot!.expiresAt as number) % BUCKET).toBe(0);
    expect(((ballot!.expiresAtSeconds as number) * 1000) % BUCKET).toBe(0);
  });

  it('refuses a second verification of the voter at another booth', async () => {
    expect((await verifyVoter(deps, await request('ana', 'm-1'))).ok).toBe(true);
    expect(await verifyVoter(deps, await request('ana', 'm-2'))).toEqual({
      ok: false,
      error: 'already-voted',
    });
  });

  it('lets exactly one of many simultaneous attempts win', async () => {
    const attempts = await Promise.all(
      ['m-1', 'm-2', 'm-1', 'm-2', 'm-1', 'm-2'].map((m) => request('ana', m)),
    );
    const results = await Promise.all(attempts.map((a) => verifyVoter(deps, a)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'already-voted')).toHaveLength(5);
  });

  it.each([
    ['another election', { electionId: 'local-2027' }, 'wrong-election'],
    ['an expired ticket', { expiresAt: 1 }, 'expired'],
  ] as const)('refuses %s', async (_, overrides, reason) => {
    const body = { ...(await request('ana')), ticket: await ticketFor('ana', overrides) };
    expect(await verifyVoter(deps, body)).toEqual({ ok: false, error: reason });
  });

  it('refuses a revoked ticket and one the issue centre has no record of', async () => {
    const body = await request('ana');
    await records.update('tickets', recordKeys.ticket('t-ana'), { status: 'revoked' });
    expect(await verifyVoter(deps, body)).toEqual({ ok: false, error: 'revoked' });
    await records.delete('tickets', recordKeys.ticket('t-ana'));
    expect(await verifyVoter(deps, body)).toEqual({ ok: false, error: 'revoked' });
  });

  it('refuses a wrong fingerprint, an unenrolled voter, an unknown or blocked machine', async () => {
    const body = await request('ana');
    expect(await verifyVoter(deps, { ...body, fingerprint: fingerprint('bob') })).toEqual({
      ok: false,
      error: 'biometric-mismatch',
    });
    await records.delete('voters', recordKeys.voterFingerprints('key-ana'));
    expect(await verifyVoter(deps, body)).toEqual({ ok: false, error: 'unknown-voter' });
    const bob = await request('bob');
    expect(await verifyVoter(deps, { ...bob, machineId: 'm-9' })).toEqual({
      ok: false,
      error: 'unknown-machine',
    });
    expect(await verifyVoter(deps, { ...bob, boothId: 'booth-of-m-2' })).toEqual({
      ok: false,
      error: 'unknown-machine',
    });
    expect(await verifyVoter(deps, await request('bob', 'm-blocked'))).toEqual({
      ok: false,
      error: 'machine-blocked',
    });
  });
});

describe('the claim protocol at every crash point', () => {
  it('refuses when the cache says yes but the durable record says voted, and repairs the cache', async () => {
    expect((await verifyVoter(deps, await request('ana', 'm-1'))).ok).toBe(true);
    cache.flush();
    expect(await verifyVoter(deps, await request('ana', 'm-2'))).toEqual({
      ok: false,
      error: 'already-voted',
    });
    expect(await cache.claim(ELECTION, 'key-ana', 't-ana', 'fresh', 30_000)).toBe('already-claimed');
  });

  it('releases the claim when the durable write fails, so the voter can try again', async () => {
    const body = await request('ana', 'm-1');
    records.failNext = (table, record) => table === 'voters' && record.status === 'voted';
    await expect(verifyVoter(deps, body)).rejects.toThrow(/simulated failure/);
    expect((await verifyVoter(deps, await request('ana', 'm-2'))).ok).toBe(true);
  });

  it('lets the durable write alone decide while the cache is unreachable', async () => {
    cache.setReachable(false);
    const attempts = await Promise.all(['m-1', 'm-2', 'm-1', 'm-2'].map((m) => request('ana', m)));
    const results = await Promise.all(attempts.map((a) => verifyVoter(deps, a)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'already-voted')).toHaveLength(3);
  });

  it('resumes an attempt that crashed between the voter status and the ballot token', async () => {
    const body = await request('ana', 'm-1', { attemptId: randomBytes(16).toString('base64url') });
    records.failNext = (table) => table === 'ballots';
    await expect(verifyVoter(deps, body)).rejects.toThrow(/simulated failure/);
    expect(await records.get('voters', recordKeys.voterStatus('key-ana', ELECTION))).toBeDefined();

    // Another booth is still refused, and a new attempt of the same booth too.
    expect(await verifyVoter(deps, await request('ana', 'm-2'))).toEqual({
      ok: false,
      error: 'already-voted',
    });
    const fresh = { ...body, attemptId: randomBytes(16).toString('base64url') };
    expect(await verifyVoter(deps, fresh)).toEqual({ ok: false, error: 'already-voted' });

    const resumed = await verifyVoter(deps, body);
    expect(resumed.ok).toBe(true);
    const again = await verifyVoter(deps, body);
    expect(again).toEqual(resumed);
  });

  it('gives the same token, never a second one, to a retry after a lost answer', async () => {
    const body = await request('ana', 'm-1', { attemptId: randomBytes(16).toString('base64url') });
    const first = await verifyVoter(deps, body);
    cache.flush();
    const retry = await verifyVoter(deps, body);
    expect(retry).toEqual(first);
    if (!first.ok) return;
    await records.update('ballots', recordKeys.ballotToken(sha256(first.value.ballotToken)), {
      usedBy: 'vote-1',
    });
    expect(await verifyVoter(deps, body)).toEqual({ ok: false, error: 'already-voted' });
  });

  it('does not let a retried attempt move its token to another machine', async () => {
    const body = await request('ana', 'm-1', { attemptId: randomBytes(16).toString('base64url') });
    expect((await verifyVoter(deps, body)).ok).toBe(true);
    expect(await verifyVoter(deps, { ...body, machineId: 'm-2', boothId: 'booth-of-m-2' })).toEqual({
      ok: false,
      error: 'already-voted',
    });
  });
});

describe('a voter verified away from home', () => {
  it('is a visitor at another booth than the one the ticket names, and not at home', async () => {
    const at = async (voter: string, machine: string) =>
      verifyVoter(deps, {
        ticket: await ticketFor(voter, { homeBoothId: 'booth-of-m-1' }),
        fingerprint: fingerprint(voter),
        boothId: `booth-of-${machine}`,
        machineId: machine,
      });
    expect(await at('home-voter', 'm-1')).toMatchObject({ ok: true, value: { visitor: false } });
    expect(await at('away-voter', 'm-2')).toMatchObject({ ok: true, value: { visitor: true } });
    // A ticket that names no booth (the registry had none) makes no one a visitor.
    expect(await verifyVoter(deps, await request('unplaced', 'm-2'))).toMatchObject({
      ok: true,
      value: { visitor: false },
    });
  });
});

describe('verifying outside the poll hours of a registered election', () => {
  beforeEach(async () => {
    await records.put('registry', {
      ...recordKeys.registryEntity('election', ELECTION),
      electionId: ELECTION,
      name: 'General',
      pollDay: '2026-11-27',
      opensAt: '2026-11-27T10:00:00.000Z',
      closesAt: '2026-11-27T18:00:00.000Z',
      timeZone: 'UTC',
    });
  });

  it('refuses a voter before the polls open and after they close, and grants one while open', async () => {
    expect(await verifyVoter(deps, await request('early'))).toEqual({ ok: false, error: 'polls-closed' });
    now = Date.UTC(2026, 10, 27, 12);
    expect((await verifyVoter(deps, await request('midday'))).ok).toBe(true);
    now = Date.UTC(2026, 10, 27, 19);
    expect(await verifyVoter(deps, await request('late'))).toEqual({ ok: false, error: 'polls-closed' });
  });

  it('verifies at a late-closing booth until its own close, while other booths are closed', async () => {
    await records.put('registry', {
      ...recordKeys.registryEntity('booth', 'booth-of-m-1'),
      boothId: 'booth-of-m-1',
      closesAt: '2026-11-27T20:00:00.000Z',
    });
    now = Date.UTC(2026, 10, 27, 19);
    expect((await verifyVoter(deps, await request('queued-late'))).ok).toBe(true);
    expect(await verifyVoter(deps, await request('elsewhere', 'm-2'))).toEqual({
      ok: false,
      error: 'polls-closed',
    });
    now = Date.UTC(2026, 10, 27, 20, 31);
    expect(await verifyVoter(deps, await request('after-its-close'))).toEqual({
      ok: false,
      error: 'polls-closed',
    });
  });
});
