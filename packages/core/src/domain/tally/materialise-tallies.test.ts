import type { AcceptedVote } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { DuckDbVoteStore } from '../../adapters/local/duckdb-vote-store';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { SwitchableVoteStore } from '../../adapters/local/switchable-vote-store';
import { recordKeys } from '../shared/keys';
import { materialiseTallies } from './materialise-tallies';

const windowMs = 15 * 60_000;
const start = Date.UTC(2026, 10, 27, 9, 0);
const vote = (i: number): AcceptedVote => ({
  voteId: `v-${String(i).padStart(4, '0')}`,
  electionId: 'e-1',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId: `k-${i % 2}`,
  bucketStart: start + 60_000,
});

async function setUp(primaryVotes: number, secondaryVotes: number, now: number) {
  const primary = await DuckDbVoteStore.open('primary', ':memory:');
  const secondary = await DuckDbVoteStore.open('secondary', ':memory:');
  await primary.record(Array.from({ length: primaryVotes }, (_, i) => vote(i)));
  await secondary.record(Array.from({ length: secondaryVotes }, (_, i) => vote(i)));
  const records = new MemoryRecordStore();
  await records.put('tallies', { ...recordKeys.dirtyWindow('e-1', start), windowStart: start, mark: 'm' });
  const deps = {
    primary,
    secondary,
    records,
    clock: { now: () => now },
    tallyWindowMs: windowMs,
    inFlightToleranceVotes: 5,
    settleMs: 120_000,
  };
  return { deps, primary, secondary, records };
}

describe('materialising a window the regions disagree on', () => {
  it('treats a small gap on a young window as votes in flight: no alert, but backfilled', async () => {
    const { deps, secondary } = await setUp(100, 97, start + 60_000);
    const [w] = await materialiseTallies(deps, 'e-1');
    expect(w).toMatchObject({ agreement: 'agree', alert: false, primaryVotes: 100, secondaryVotes: 97 });
    expect(w!.backfilled).toEqual({ primary: 0, secondary: 3 });
    expect((await secondary.tally('e-1', start, start + windowMs)).reduce((s, r) => s + r.votes, 0)).toBe(
      100,
    );
  });

  it('raises the alert for any gap once the window has settled, and for a large gap at once', async () => {
    const settled = await setUp(100, 99, start + windowMs + 120_000);
    expect((await materialiseTallies(settled.deps, 'e-1'))[0]).toMatchObject({
      alert: true,
      agreement: 'agree',
    });
    const large = await setUp(100, 80, start + 60_000);
    expect((await materialiseTallies(large.deps, 'e-1'))[0]).toMatchObject({
      alert: true,
      agreement: 'agree',
    });
  });

  it('keeps the window marked while a region does not answer, and clears it once both agree', async () => {
    const { deps, records } = await setUp(10, 10, start + 60_000);
    const outage = new SwitchableVoteStore(deps.secondary);
    outage.setDown(true);
    const down = { ...deps, secondary: outage };
    expect((await materialiseTallies(down, 'e-1'))[0]).toMatchObject({
      agreement: 'primary-only',
      alert: true,
      votes: 10,
    });
    expect(await records.get('tallies', recordKeys.dirtyWindow('e-1', start))).toBeDefined();
    expect((await materialiseTallies(deps, 'e-1'))[0]).toMatchObject({ agreement: 'agree', alert: false });
    expect(await records.get('tallies', recordKeys.dirtyWindow('e-1', start))).toBeUndefined();
  });
});

describe('serving the materialised tally', () => {
  it('keeps one record per constituency, rewrites only those that changed, and clears agreed marks', async () => {
    const { deps, primary, secondary, records } = await setUp(10, 10, start + windowMs + 600_000);
    const other = (i: number): AcceptedVote => ({ ...vote(i), constituencyId: 'c-2', voteId: `w-${i}` });
    await Promise.all([primary.record([other(1)]), secondary.record([other(1)])]);
    await materialiseTallies(deps, 'e-1');
    const first = await records.query('tallies', recordKeys.tallyPartition('e-1'));
    expect(first.records.map(({ pk: _pk, sk: _sk, ...r }) => r)).toEqual([
      { constituencyId: 'c-1', candidates: { 'k-0': 5, 'k-1': 5 }, votes: 10 },
      { constituencyId: 'c-2', candidates: { 'k-1': 1 }, votes: 1 },
    ]);
    expect((await records.query('tallies', recordKeys.dirtyPartition('e-1'))).records).toEqual([]);

    // A late vote in c-2 re-marks the window: c-2 is rewritten, c-1 left as it was.
    await Promise.all([primary.record([other(2)]), secondary.record([other(2)])]);
    await records.put('tallies', { ...recordKeys.dirtyWindow('e-1', start), windowStart: start, mark: 'm2' });
    const puts: string[] = [];
    const put = records.put.bind(records);
    records.put = (table, record, condition) => {
      puts.push(record.sk);
      return put(table, record, condition);
    };
    const [w] = await materialiseTallies(deps, 'e-1');
    expect(w).toMatchObject({ votes: 12, agreement: 'agree' });
    expect(puts.sort()).toEqual(['c#c-2', recordKeys.turnoutWindow('e-1', start).sk]);
    const turnout = await records.get('tallies', recordKeys.turnoutWindow('e-1', start));
    expect(turnout).toMatchObject({ constituencies: { 'c-1': 10, 'c-2': 2 }, votes: 12 });
  });
});
