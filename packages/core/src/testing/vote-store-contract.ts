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

    it('materialises windows in place: counts kept per window, a recount replaces, never adds', async () => {
      const store = await make('primary');
      const e = election();
      const WINDOW = 15 * MINUTE;
      const first = BUCKET - (BUCKET % WINDOW);
      const second = first + WINDOW;
      await store.record([
        vote(e, 'v1', { bucketStart: first }),
        vote(e, 'v2', { bucketStart: first + MINUTE, candidateId: 'y' }),
        vote(e, 'v3', { bucketStart: first + 2 * MINUTE, constituencyId: 'c-2' }),
        vote(e, 'v4', { bucketStart: second }),
        vote(e, 'v5', { bucketStart: second + WINDOW }), // a window not asked for
      ]);
      const empty = second + 10 * WINDOW;
      const counted = await store.materialise(e, [first, second, empty], WINDOW);
      expect(counted.map((c) => [c.windowStart, c.votes])).toEqual([
        [first, 3],
        [second, 1],
        [empty, 0],
      ]);
      expect(await store.keptTotals(e)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
        { constituencyId: 'c-1', candidateId: 'y', votes: 1 },
        { constituencyId: 'c-2', candidateId: 'x', votes: 1 },
      ]);
      expect(await store.keptTurnout(e, [first, second])).toEqual([
        { windowStart: first, constituencyId: 'c-1', votes: 2 },
        { windowStart: first, constituencyId: 'c-2', votes: 1 },
        { windowStart: second, constituencyId: 'c-1', votes: 1 },
      ]);
      // A late vote re-opens its window; recounting it replaces the window's counts.
      await store.record([vote(e, 'v6', { bucketStart: second + MINUTE, candidateId: 'y' })]);
      const again = await store.materialise(e, [second], WINDOW);
      expect(again[0]?.votes).toBe(2);
      await store.materialise(e, [second], WINDOW);
      expect(await store.keptTotals(e)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
        { constituencyId: 'c-1', candidateId: 'y', votes: 2 },
        { constituencyId: 'c-2', candidateId: 'x', votes: 1 },
      ]);
      await store.close();
    });

    it('gives equal fingerprints for equal counts and different ones otherwise', async () => {
      const a = await make('primary');
      const b = await make('secondary');
      const e = election();
      const WINDOW = 15 * MINUTE;
      const w = BUCKET - (BUCKET % WINDOW);
      const votes = [
        vote(e, 'v1'),
        vote(e, 'v2', { candidateId: 'y' }),
        vote(e, 'v3', { constituencyId: 'c-2' }),
      ];
      await a.record(votes);
      await b.record([...votes].reverse());
      const [countA] = await a.materialise(e, [w], WINDOW);
      const [countB] = await b.materialise(e, [w], WINDOW);
      expect(countA).toEqual(countB);
      // The same total with a vote for another candidate: the fingerprint tells them apart.
      await b.record([vote(e, 'v4', { candidateId: 'y' })]);
      await a.record([vote(e, 'v5', { candidateId: 'x' })]);
      const [moreA] = await a.materialise(e, [w], WINDOW);
      const [moreB] = await b.materialise(e, [w], WINDOW);
      expect(moreA?.votes).toBe(moreB?.votes);
      expect(moreA?.fingerprint).not.toBe(moreB?.fingerprint);
      expect(moreA?.fingerprint).not.toBe(countA?.fingerprint);
      await Promise.all([a.close(), b.close()]);
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
