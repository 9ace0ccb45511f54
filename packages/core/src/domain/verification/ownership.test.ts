import { randomBytes } from 'node:crypto';
import type { VerificationRequest } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryTicketKeys } from '../../adapters/local/file-ticket-keys';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { MemoryVoterCache } from '../../adapters/local/memory-voter-cache';
import { SimulatedBiometrics } from '../../adapters/local/simulated-biometrics';
import type {
  QueryOptions,
  QueryPage,
  RecordKey,
  RecordStore,
  StoredRecord,
  TableName,
  WriteCondition,
  WriteFence,
} from '../../ports/record-store';
import { recordKeys } from '../shared/keys';
import {
  handOverVerification,
  readOwnership,
  type VerificationConflict,
  verificationConflict,
} from './ownership';
import { mintTicket } from './ticket';
import { type VerifyVoterDeps, verifyVoter } from './verify-voter';

const ELECTION = 'general-2026';

/**
 * Two replicas of the durable records joined as DynamoDB global tables join them: every write
 * commits in its own replica (conditions see that replica only) and reaches the other later,
 * where the later write time wins (last writer wins). `deliverSome` and `flush` move writes
 * across; `paused` cuts the link (a regional outage seen from the other side).
 */
class Replicas {
  readonly a: Replica;
  readonly b: Replica;
  paused = false;
  private stamp = 0;
  private readonly inFlight: { to: Replica; change: Change }[] = [];
  /** What each replica's stream showed when a replicated write replaced a record. */
  readonly conflicts: VerificationConflict[] = [];

  constructor() {
    this.a = new Replica('A', this);
    this.b = new Replica('B', this);
  }

  send(from: Replica, table: TableName, key: RecordKey, record: StoredRecord | undefined): void {
    const change = {
      table,
      key,
      record: record === undefined ? undefined : structuredClone(record),
      at: ++this.stamp,
    };
    from.stamps.set(keyOf(table, key), change.at);
    this.inFlight.push({ to: from === this.a ? this.b : this.a, change });
  }

  /** Delivers a random share of the writes in flight, in any order across records. */
  deliverSome(random: () => number): void {
    if (this.paused) return;
    for (let i = this.inFlight.length - 1; i >= 0; i--) {
      if (random() < 0.3) {
        const [item] = this.inFlight.splice(i, 1);
        item?.to.receive(item.change);
      }
    }
  }

  /** Delivers every write in flight: replication has caught up. */
  flush(): void {
    if (this.paused) return;
    for (const { to, change } of this.inFlight.splice(0)) to.receive(change);
  }

  observe(before: StoredRecord | undefined, after: StoredRecord | undefined): void {
    const conflict = verificationConflict(before, after);
    if (conflict !== undefined) this.conflicts.push(conflict);
  }
}

interface Change {
  readonly table: TableName;
  readonly key: RecordKey;
  readonly record: StoredRecord | undefined;
  readonly at: number;
}

const keyOf = (table: TableName, key: RecordKey) => `${table}|${key.pk}|${key.sk}`;

class Replica implements RecordStore {
  private readonly store = new MemoryRecordStore();
  readonly stamps = new Map<string, number>();
  /** Holds back a voter status write (a slow Lambda whose write lands late), when it answers a promise. */
  hold: (() => Promise<void> | undefined) | undefined;

  constructor(
    readonly name: string,
    private readonly link: Replicas,
  ) {}

  get(table: TableName, key: RecordKey): Promise<StoredRecord | undefined> {
    return this.store.get(table, key);
  }

  async put(table: TableName, record: StoredRecord, condition?: WriteCondition): Promise<boolean> {
    if (table === 'voters' && record.pk.startsWith('voter#')) await this.hold?.();
    const written = await this.store.put(table, record, condition);
    if (written) this.link.send(this, table, record, record);
    return written;
  }

  async putFenced(
    table: TableName,
    record: StoredRecord,
    condition: WriteCondition,
    fence: WriteFence,
  ): Promise<boolean> {
    if (table === 'voters' && record.pk.startsWith('voter#')) await this.hold?.();
    const written = await this.store.putFenced(table, record, condition, fence);
    if (written) this.link.send(this, table, record, record);
    return written;
  }

  async update(
    table: TableName,
    key: RecordKey,
    fields: Readonly<Record<string, unknown>>,
    condition?: WriteCondition,
  ): Promise<boolean> {
    const written = await this.store.update(table, key, fields, condition);
    if (written) this.link.send(this, table, key, await this.store.get(table, key));
    return written;
  }

  async delete(table: TableName, key: RecordKey): Promise<void> {
    await this.store.delete(table, key);
    this.link.send(this, table, key, undefined);
  }

  query(table: TableName, pk: string, options?: QueryOptions): Promise<QueryPage> {
    return this.store.query(table, pk, options);
  }

  async close(): Promise<void> {}

  /** A replicated write: applied only if it is newer than what this replica holds (LWW). */
  receive(change: Change): void {
    const key = keyOf(change.table, change.key);
    if ((this.stamps.get(key) ?? 0) > change.at) return;
    this.stamps.set(key, change.at);
    // The memory store answers synchronously underneath; read and replace as one step.
    void this.store.get(change.table, change.key).then((before) => {
      this.link.observe(before, change.record);
    });
    if (change.record === undefined) void this.store.delete(change.table, change.key);
    else void this.store.put(change.table, change.record);
  }
}

/** A seeded generator, so a failing interleaving can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

let now: number;
let link: Replicas;
let keys: MemoryTicketKeys;
const fingerprint = (voter: string) => Buffer.from(`finger:${voter}`).toString('base64url');
const machines = ['m-1', 'm-2', 'm-3', 'm-4'];

function regionDeps(region: 'A' | 'B', records: RecordStore, fenced = true): VerifyVoterDeps {
  return {
    keys,
    records,
    cache: new MemoryVoterCache({ now: () => now }),
    biometrics: new SimulatedBiometrics(records),
    clock: { now: () => now },
    electionId: ELECTION,
    ballotTokenTtlMs: 10 * 60_000,
    claimTtlMs: 30_000,
    bucketMs: 60_000,
    ...(fenced ? { region, primaryRegion: 'A' } : {}),
  };
}

/** Tickets, enrolments and machines written in region A and replicated before polls open. */
async function seedVoters(count: number): Promise<Map<string, VerificationRequest[]>> {
  const requests = new Map<string, VerificationRequest[]>();
  const biometrics = new SimulatedBiometrics(link.a);
  for (const machineId of machines) {
    await link.a.put('registry', {
      ...recordKeys.machine(machineId),
      machineId,
      boothId: `booth-of-${machineId}`,
      constituencyId: 'c-1',
      regionId: 'r-1',
      publicKey: randomBytes(32).toString('base64url'),
      blocked: false,
    });
  }
  for (let i = 0; i < count; i++) {
    const voter = `v${i}`;
    const claims = {
      ticketId: `t-${voter}`,
      electionId: ELECTION,
      voterKey: `key-${voter}`,
      issuedAt: now - 1000,
      expiresAt: now + 86_400_000,
    };
    await link.a.put('tickets', { ...recordKeys.ticket(claims.ticketId), ...claims, status: 'issued' });
    await biometrics.enrol(claims.voterKey, Buffer.from(fingerprint(voter), 'base64url'));
    const ticket = await mintTicket(keys, claims);
    requests.set(
      voter,
      machines.map((machineId) => ({
        ticket,
        fingerprint: fingerprint(voter),
        boothId: `booth-of-${machineId}`,
        machineId,
      })),
    );
  }
  link.flush();
  return requests;
}

beforeEach(() => {
  now = Date.UTC(2026, 10, 27, 9, 0, 0);
  link = new Replicas();
  keys = new MemoryTicketKeys('k1');
});

describe('verification ownership across two regions', () => {
  it('refuses status writes in a region that does not own the election, and starts owned by the primary', async () => {
    const requests = await seedVoters(1);
    const inB = await verifyVoter(regionDeps('B', link.b), requests.get('v0')![0]!);
    expect(inB).toEqual({ ok: false, error: 'region-not-owner' });
    const inA = await verifyVoter(regionDeps('A', link.a), requests.get('v0')![1]!);
    expect(inA.ok).toBe(true);
    expect(await readOwnership(link.a, ELECTION, 'A')).toMatchObject({
      region: 'A',
      epoch: 1,
      writer: 'A@1',
    });
  });

  it('fences the old owner at the hand-over in its own replica, and lets the new owner write only after the settle time', async () => {
    const requests = await seedVoters(3);
    const a = regionDeps('A', link.a);
    const b = regionDeps('B', link.b);
    expect((await verifyVoter(a, requests.get('v0')![0]!)).ok).toBe(true);

    const handed = await handOverVerification(
      { records: link.a, clock: { now: () => now } },
      { electionId: ELECTION, primaryRegion: 'A', region: 'A', to: 'B', force: false, settleMs: 5_000 },
    );
    expect(handed).toMatchObject({
      ok: true,
      value: { region: 'B', epoch: 2, from: 'A', writableFrom: now + 5_000 },
    });
    // Nothing has replicated yet: A's own replica already fences A.
    expect(await verifyVoter(a, requests.get('v1')![0]!)).toEqual({ ok: false, error: 'region-not-owner' });
    expect(await verifyVoter(b, requests.get('v1')![1]!)).toEqual({ ok: false, error: 'region-not-owner' });
    link.flush();
    // B knows it owns the voters, but waits for A's last writes to arrive.
    expect(await verifyVoter(b, requests.get('v1')![1]!)).toEqual({ ok: false, error: 'region-not-owner' });
    now += 5_000;
    expect((await verifyVoter(b, requests.get('v1')![1]!)).ok).toBe(true);
    expect(await verifyVoter(b, requests.get('v0')![2]!)).toEqual({ ok: false, error: 'already-voted' });
    const status = await link.b.get('voters', recordKeys.voterStatus('key-v1', ELECTION));
    expect(status).toMatchObject({ region: 'B', epoch: 2 });
  });

  it('refuses a hand-over from a region that does not own the voters unless the desk forces it', async () => {
    await seedVoters(1);
    const desk = { records: link.b, clock: { now: () => now } };
    const input = { electionId: ELECTION, primaryRegion: 'A', region: 'B', to: 'B', settleMs: 1_000 };
    expect(await handOverVerification(desk, { ...input, force: false })).toEqual({
      ok: false,
      error: 'not-owner',
    });
    expect(await handOverVerification(desk, { ...input, force: true })).toMatchObject({
      ok: true,
      value: { region: 'B', epoch: 2, forced: true },
    });
    expect(await handOverVerification(desk, { ...input, force: true })).toEqual({
      ok: false,
      error: 'already-owner',
    });
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`gives exactly one ballot per voter when every voter is tried at several booths in both regions around a hand-over (seed ${seed})`, async () => {
      const random = seeded(seed);
      const voters = 120;
      const requests = await seedVoters(voters);
      const deps = { A: regionDeps('A', link.a), B: regionDeps('B', link.b) };
      const grants = new Map<string, number>();
      const answers: Record<string, number> = {};
      const settleMs = 2_000;
      let handedOver = false;
      let clockMoved: () => void = () => undefined;
      let clockMoves = new Promise<void>((resolve) => {
        clockMoved = resolve;
      });

      // A booth tries its region; told the region does not own the voters, it asks the other,
      // and when neither answers yet it waits for time to pass (the settle time), as a booth would.
      const booth = async (voter: string, request: VerificationRequest, first: 'A' | 'B') => {
        let region = first;
        for (let round = 0; round < 20; round++) {
          for (let hop = 0; hop < 2; hop++) {
            const result = await verifyVoter(deps[region], request);
            answers[result.ok ? 'granted' : result.error] =
              (answers[result.ok ? 'granted' : result.error] ?? 0) + 1;
            if (result.ok) {
              grants.set(voter, (grants.get(voter) ?? 0) + 1);
              return;
            }
            if (result.error !== 'region-not-owner') return;
            region = region === 'A' ? 'B' : 'A';
          }
          await clockMoves;
        }
        throw new Error(`booth never got an answer for ${voter}`);
      };

      // Some of A's status writes land late, after B began writing (a Lambda that read the
      // ownership before the hand-over and was slow to write): only the fence stops them.
      let releaseLate: () => void = () => undefined;
      const late = new Promise<void>((resolve) => {
        releaseLate = resolve;
      });
      let held = 0;
      link.a.hold = () => {
        if (random() >= 0.15) return undefined;
        held++;
        return late;
      };
      const attempts: Promise<void>[] = [];
      const pump = setInterval(() => link.deliverSome(random), 1);
      try {
        let started = 0;
        for (const [voter, perBooth] of requests) {
          for (const request of perBooth) {
            const first = random() < 0.5 ? 'A' : 'B';
            attempts.push(booth(voter, request, first));
            started++;
            // The desk hands over once a third of the attempts are under way, the others racing it.
            if (!handedOver && started >= (voters * machines.length) / 3) {
              handedOver = true;
              const handed = await handOverVerification(
                { records: link.a, clock: { now: () => now } },
                { electionId: ELECTION, primaryRegion: 'A', region: 'A', to: 'B', force: false, settleMs },
              );
              expect(handed.ok).toBe(true);
            }
            if (random() < 0.2) await new Promise((r) => setImmediate(r));
          }
        }
        // The settle time passes: replication lag stays below it (what the protocol assumes).
        for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
        link.flush();
        now += settleMs;
        // Every voter is tried once more, in B, once B writes: the late attempts race A's slow writes.
        for (const [voter, perBooth] of requests) attempts.push(booth(voter, perBooth[0]!, 'B'));
        // A's slow writes land while B's new statuses are still on their way to A.
        link.paused = true;
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
        releaseLate();
        for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
        link.paused = false;
        for (let move = 0; move < 20; move++) {
          const moved = clockMoved;
          clockMoves = new Promise<void>((resolve) => {
            clockMoved = resolve;
          });
          moved();
          for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
          link.flush();
        }
        await Promise.all(attempts);
      } finally {
        clearInterval(pump);
      }
      link.flush();

      await new Promise((r) => setImmediate(r));
      expect(held).toBeGreaterThan(0);
      expect(grants.size).toBe(voters);
      expect([...grants.values()].every((n) => n === 1)).toBe(true);
      expect(answers['already-voted']).toBe(voters * machines.length);
      // Both regions granted some: attempts before the hand-over in A, after it in B.
      const byRegion = { A: 0, B: 0 };
      for (let i = 0; i < voters; i++) {
        const status = await link.a.get('voters', recordKeys.voterStatus(`key-v${i}`, ELECTION));
        byRegion[status!.region as 'A' | 'B']++;
      }
      expect(byRegion.A).toBeGreaterThan(0);
      expect(byRegion.B).toBeGreaterThan(0);
      expect(link.conflicts).toEqual([]);
    });
  }

  it('without the fence, two regions each grant the same voter under last-writer-wins replication', async () => {
    const requests = await seedVoters(20);
    const a = regionDeps('A', link.a, false);
    const b = regionDeps('B', link.b, false);
    let doubles = 0;
    for (const [, perBooth] of requests) {
      const [inA, inB] = await Promise.all([verifyVoter(a, perBooth[0]!), verifyVoter(b, perBooth[1]!)]);
      if (inA.ok && inB.ok) doubles++;
    }
    link.flush();
    await new Promise((r) => setImmediate(r));
    expect(doubles).toBe(20);
    // Each replica's stream showed the other region's status replacing its own: the detector sees it.
    expect(link.conflicts.length).toBeGreaterThanOrEqual(20);
  });

  it('a forced hand-over while the old owner is cut off leaves a window that the replicas show once they meet', async () => {
    const requests = await seedVoters(10);
    const a = regionDeps('A', link.a);
    const b = regionDeps('B', link.b);
    link.paused = true;
    const forced = await handOverVerification(
      { records: link.b, clock: { now: () => now } },
      { electionId: ELECTION, primaryRegion: 'A', region: 'B', to: 'B', force: true, settleMs: 1_000 },
    );
    expect(forced.ok).toBe(true);
    now += 1_000;
    // A is cut off and has not observed the hand-over: it still grants, as B now does.
    expect((await verifyVoter(a, requests.get('v0')![0]!)).ok).toBe(true);
    expect((await verifyVoter(b, requests.get('v0')![1]!)).ok).toBe(true);
    expect((await verifyVoter(b, requests.get('v1')![1]!)).ok).toBe(true);
    link.paused = false;
    link.flush();
    await new Promise((r) => setImmediate(r));
    // The double is reported with both writers; A, having observed epoch 2, writes no more.
    expect(link.conflicts).toEqual([{ voterRecord: 'voter#key-v0', writers: ['A@1', 'B@2'] }]);
    now += 2_000;
    expect(await verifyVoter(a, requests.get('v2')![0]!)).toEqual({ ok: false, error: 'region-not-owner' });
  });
});
