import { randomUUID } from 'node:crypto';
import type { AcceptedVote } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import type { VoteStore } from '../ports/vote-store';

const BUCKET = Date.UTC(2026, 10, 27, 9, 30);
const MINUTE = 60_000;

/**
 * The behaviour every vote store adapter must show (idempotent on the vote id, tallies by
 * window, reads by machine, order concealment that changes no count); run against each adapter
 * that runs here. `make` opens a store of the given region on storage no other test shares.
 */
export function voteStoreContract(
  name: string,
  make: (region: 'primary' | 'secondary') => Promise<VoteStore>,
): void {
  describe(`vote store contract: ${name}`, () => {
    const election = () => `e-${randomUUID().slice(0, 8)}`;
    const vote = (electionId: string, voteId: string, over: Partial<AcceptedVote> = {}): AcceptedVote => ({
      voteId,
      electionId,
      constituencyId: 'c-1',
      boothId: 'b-1',
      machineId: 'm-1',
      candidateId: 'x',
      bucketStart: BUCKET,
      ...over,
    });

    it('reports the region it was opened for', async () => {
      const store = await make('secondary');
      expect(store.region).toBe('secondary');
      await store.close();
    });

    it('counts the votes whose bucket starts within [from, to), per constituency and candidate', async () => {
      const store = await make('primary');
      const e = election();
      await store.record([
        vote(e, 'v1'),
        vote(e, 'v2'),
        vote(e, 'v3', { candidateId: 'y' }),
        vote(e, 'v4', { constituencyId: 'c-2' }),
        vote(e, 'v5', { bucketStart: BUCKET + MINUTE }),
        vote(e, 'v6', { bucketStart: BUCKET - MINUTE }),
      ]);
      expect(await store.tally(e, BUCKET, BUCKET + MINUTE)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
        { constituencyId: 'c-1', candidateId: 'y', votes: 1 },
        { constituencyId: 'c-2', candidateId: 'x', votes: 1 },
      ]);
      await store.close();
    });

    it('stores a vote replayed within one call or across calls once', async () => {
      const store = await make('primary');
      const e = election();
      expect(await store.record([vote(e, 'v1'), vote(e, 'v1')])).toEqual({ written: 1, duplicates: 1 });
      expect(await store.record([vote(e, 'v1'), vote(e, 'v2')])).toEqual({ written: 1, duplicates: 1 });
      expect(await store.tally(e, 0, BUCKET * 2)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
      ]);
      await store.close();
    });

    it('stores each vote once when the same votes are recorded concurrently', async () => {
      const store = await make('primary');
      const e = election();
      const votes = Array.from({ length: 40 }, (_, i) => vote(e, `v${i}`));
      const outcomes = await Promise.all(Array.from({ length: 5 }, () => store.record(votes)));
      expect(outcomes.reduce((n, o) => n + o.written, 0)).toBe(40);
      expect(outcomes.reduce((n, o) => n + o.duplicates, 0)).toBe(160);
      expect(await store.tally(e, 0, BUCKET * 2)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 40 },
      ]);
      await store.close();
    });

    it('records a batch larger than one statement takes', async () => {
      const store = await make('primary');
      const e = election();
      const votes = Array.from({ length: 1_234 }, (_, i) => vote(e, `v${i}`, { candidateId: `k${i % 3}` }));
      expect(await store.record(votes)).toEqual({ written: 1_234, duplicates: 0 });
      const rows = await store.tally(e, 0, BUCKET * 2);
      expect(rows.reduce((n, r) => n + r.votes, 0)).toBe(1_234);
      await store.close();
    });

    it('answers an empty batch with nothing written', async () => {
      const store = await make('primary');
      expect(await store.record([])).toEqual({ written: 0, duplicates: 0 });
      await store.close();
    });

    it('keeps elections apart', async () => {
      const store = await make('primary');
      const [a, b] = [election(), election()];
      await store.record([vote(a, 'shared-id-1'), vote(b, 'other-id-1'), vote(b, 'other-id-2')]);
      expect(await store.tally(a, 0, BUCKET * 2)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 1 },
      ]);
      expect(await store.tally(b, 0, BUCKET * 2)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
      ]);
      await store.close();
    });

    it('reads back the votes of one machine or bucket range, without the receipt', async () => {
      const store = await make('primary');
      const e = election();
      await store.record([
        vote(e, 'v1', { receipt: 'R-1' }),
        vote(e, 'v2', { machineId: 'm-2' }),
        vote(e, 'v3', { bucketStart: BUCKET + MINUTE }),
      ]);
      const ofMachine = await store.votesOf(e, { machineId: 'm-1' });
      expect(ofMachine.map((v) => v.voteId).sort()).toEqual(['v1', 'v3']);
      expect(ofMachine.every((v) => v.receipt === undefined)).toBe(true);
      const inRange = await store.votesOf(e, { fromMs: BUCKET + MINUTE, toMs: BUCKET + 2 * MINUTE });
      expect(inRange).toEqual([vote(e, 'v3', { bucketStart: BUCKET + MINUTE })]);
      await store.close();
    });

    it('conceals the arrival order without changing a count', async () => {
      const store = await make('primary');
      const e = election();
      const votes = Array.from({ length: 30 }, (_, i) => vote(e, randomUUID(), { candidateId: `k${i % 2}` }));
      await store.record(votes);
      const before = await store.tally(e, 0, BUCKET * 2);
      expect(await store.concealOrder()).toBeGreaterThanOrEqual(0);
      expect(await store.tally(e, 0, BUCKET * 2)).toEqual(before);
      expect((await store.votesOf(e, {})).length).toBe(30);
      expect(await store.record(votes)).toEqual({ written: 0, duplicates: 30 });
      await store.close();
    });
  });
}
