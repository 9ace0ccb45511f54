import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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

  it('keeps the running tally of the windows it materialised across a restart, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-kept-'));
    const path = join(dir, 'votes.duckdb');
    const window = 15 * 60_000;
    const first = bucket - (bucket % window);
    try {
      const store = await DuckDbVoteStore.open('primary', path);
      await store.record([
        vote('a', 'x', first),
        vote('b', 'y', first + window),
        vote('c', 'x', first + 2 * window),
      ]);
      await store.materialise('e-1', [first, first + window], window);
      const kept = await store.keptTotals('e-1');
      const turnout = await store.keptTurnout('e-1', [first, first + window]);
      await store.close();
      const reopened = await DuckDbVoteStore.open('primary', path);
      expect(await reopened.keptTotals('e-1')).toEqual(kept);
      expect(await reopened.keptTurnout('e-1', [first, first + window])).toEqual(turnout);
      // The third window was never materialised: it stays out of the running tally until it is.
      expect(kept).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 1 },
        { constituencyId: 'c-1', candidateId: 'y', votes: 1 },
      ]);
      await reopened.materialise('e-1', [first + 2 * window], window);
      expect(await reopened.keptTotals('e-1')).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 2 },
        { constituencyId: 'c-1', candidateId: 'y', votes: 1 },
      ]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('keeps no arrival order on disk (docs/as-built.md, "Ballot secrecy on disk")', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `v-${String(11 - i).padStart(2, '0')}`);
    // Arrival order is the reverse of vote-id order, so any trace of it is plain to see.
    const arriveOneByOne = async (store: DuckDbVoteStore) => {
      for (const id of ids) await store.record([vote(id, 'x')]);
    };
    const walOf = (path: string) => (existsSync(`${path}.wal`) ? readFileSync(`${path}.wal`, 'latin1') : '');
    const rowOrder = async (path: string) => {
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      const rows = (await connection.runAndReadAll('SELECT vote_id FROM votes ORDER BY rowid')).getRows();
      connection.closeSync();
      instance.closeSync();
      return rows.map(([id]) => String(id));
    };

    it('empties its write-ahead log when it conceals, so the log no longer lists votes as they came', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'duckdb-conceal-'));
      const path = join(dir, 'votes.duckdb');
      const store = await DuckDbVoteStore.open('primary', path);
      await arriveOneByOne(store);
      expect(walOf(path)).toContain(ids[0]);
      expect(await store.concealOrder()).toBe(ids.length);
      expect(walOf(path)).not.toContain(ids[0]);
      expect(existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0).toBe(0);
      await store.close();
      expect(await rowOrder(path)).toEqual([...ids].sort());
      rmSync(dir, { recursive: true, force: true });
    });

    it('conceals what it holds when it closes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'duckdb-conceal-'));
      const path = join(dir, 'votes.duckdb');
      const store = await DuckDbVoteStore.open('primary', path);
      await arriveOneByOne(store);
      await store.close();
      expect(walOf(path)).toBe('');
      expect(await rowOrder(path)).toEqual([...ids].sort());
      rmSync(dir, { recursive: true, force: true });
    });

    it('conceals on its next run what a store that stopped without concealing left behind', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'duckdb-conceal-'));
      const path = join(dir, 'votes.duckdb');
      // A process that died before concealing leaves rows in arrival order and its mark; made by hand here.
      const first = await DuckDbVoteStore.open('primary', path);
      await arriveOneByOne(first);
      await first.close();
      const instance = await DuckDBInstance.create(path);
      const connection = await instance.connect();
      await connection.run('CREATE OR REPLACE TABLE shuffled AS SELECT * FROM votes ORDER BY vote_id DESC');
      await connection.run('DELETE FROM votes');
      await connection.run('INSERT INTO votes SELECT * FROM shuffled ORDER BY vote_id DESC');
      await connection.run('DROP TABLE shuffled');
      await connection.run(`INSERT INTO unconcealed_buckets VALUES (${bucket})`);
      connection.closeSync();
      instance.closeSync();
      expect(await rowOrder(path)).toEqual(ids);

      const next = await DuckDbVoteStore.open('primary', path);
      expect(await next.concealOrder()).toBe(ids.length);
      await next.close();
      expect(await rowOrder(path)).toEqual([...ids].sort());
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
