import { describe, expect, it } from 'vitest';
import { DuckDbVoteStore, defaultDuckDbLimits } from './duckdb-vote-store';

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

  it('refuses a batch with a value it cannot store column by column, and stores nothing of it', async () => {
    const store = await DuckDbVoteStore.open('primary', ':memory:');
    await expect(store.record([vote('a', 'x'), vote('b', `y${String.fromCharCode(31)}z`)])).rejects.toThrow(
      /not a storable id/,
    );
    await expect(store.record([vote('c', '')])).rejects.toThrow(/not a storable id/);
    expect(await store.record([vote('a', 'x')])).toEqual({ written: 1, duplicates: 0 });
    await store.close();
  });

  it('keeps every column of a large batch in its own row, in step', async () => {
    const store = await DuckDbVoteStore.open('primary', ':memory:');
    const votes = Array.from({ length: 1_234 }, (_, i) => ({
      ...vote(`v-${i}`, `cand-${i % 7}`, bucket + (i % 5) * 60_000),
      constituencyId: `c-${i % 3}`,
    }));
    expect(await store.record(votes)).toEqual({ written: 1_234, duplicates: 0 });
    const counts = new Map<string, number>();
    for (const v of votes) {
      const key = `${v.constituencyId}/${v.candidateId}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const rows = await store.tally('e-1', bucket, bucket + 5 * 60_000);
    expect(new Map(rows.map((r) => [`${r.constituencyId}/${r.candidateId}`, r.votes]))).toEqual(counts);
    expect(await store.tally('e-1', bucket + 4 * 60_000, bucket + 5 * 60_000)).toHaveLength(21);
    await store.close();
  });

  it('opens with a bounded memory limit and thread count, which the caller may change', async () => {
    // DuckDB's own defaults are 80% of RAM and one thread per core, for each of the two stores.
    const bounded = await DuckDbVoteStore.open('primary', ':memory:');
    expect(await bounded.limits()).toEqual({
      memoryLimitBytes: defaultDuckDbLimits.memoryLimitMb * 1024 * 1024,
      threads: defaultDuckDbLimits.threads,
    });
    await bounded.close();
    const chosen = await DuckDbVoteStore.open('secondary', ':memory:', { memoryLimitMb: 64, threads: 1 });
    expect(await chosen.limits()).toEqual({ memoryLimitBytes: 64 * 1024 * 1024, threads: 1 });
    await chosen.close();
  });
});
