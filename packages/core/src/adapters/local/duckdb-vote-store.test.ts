import { describe, expect, it } from 'vitest';
import { DuckDbVoteStore } from './duckdb-vote-store';

const bucket = Date.UTC(2026, 10, 27, 9, 30);
const vote = (voteId: string, candidateId: string, bucketStart = bucket) => ({
  voteId,
  electionId: 'e-1',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId,
  bucketStart,
});

describe('the DuckDB vote store', () => {
  it('counts votes of real epoch-millisecond buckets within the window asked for', async () => {
    const store = await DuckDbVoteStore.open('primary', ':memory:');
    await store.record([vote('a', 'x'), vote('b', 'x'), vote('c', 'y'), vote('d', 'y', bucket + 3_600_000)]);
    expect(await store.tally('e-1', bucket, bucket + 60_000)).toEqual([
      { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
      { constituencyId: 'c-1', candidateId: 'y', votes: 1 },
    ]);
    expect(await store.tally('e-1', bucket + 60_000, bucket + 7_200_000)).toEqual([
      { constituencyId: 'c-1', candidateId: 'y', votes: 1 },
    ]);
    await store.close();
  });

  it('stores a replayed vote once', async () => {
    const store = await DuckDbVoteStore.open('secondary', ':memory:');
    expect(await store.record([vote('a', 'x'), vote('a', 'x')])).toEqual({ written: 1, duplicates: 1 });
    expect(await store.record([vote('a', 'x'), vote('b', 'x')])).toEqual({ written: 1, duplicates: 1 });
    expect(await store.tally('e-1', 0, bucket * 2)).toEqual([
      { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
    ]);
    await store.close();
  });
});
