import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbVoteStore } from '../adapters/local/duckdb-vote-store';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { SwitchableVoteStore } from '../adapters/local/switchable-vote-store';
import { recordKeys } from '../domain/shared/keys';
import { talliesUseCases } from './tallies';

const OPENS = Date.UTC(2026, 10, 27, 7);
const CLOSES = Date.UTC(2026, 10, 27, 19);
let now = OPENS;
let records: MemoryRecordStore;
let primary: SwitchableVoteStore;
let secondary: SwitchableVoteStore;
let opened: DuckDbVoteStore[];

function tallies(publicRunningResults = false) {
  return talliesUseCases(
    { records, clock: { now: () => now }, voteStores: { primary, secondary } },
    { electionId: 'e-1', publicRunningResults },
  );
}

async function constituency(constituencyId: string, regionId: string, candidates: Record<string, number>) {
  await records.put('registry', {
    ...recordKeys.constituency(constituencyId),
    constituencyId,
    regionId,
    name: constituencyId,
  });
  await records.put('tallies', {
    ...recordKeys.tallyConstituency('e-1', constituencyId),
    constituencyId,
    candidates,
  });
}

beforeEach(async () => {
  now = OPENS;
  records = new MemoryRecordStore();
  opened = await Promise.all([
    DuckDbVoteStore.open('primary', ':memory:'),
    DuckDbVoteStore.open('secondary', ':memory:'),
  ]);
  primary = new SwitchableVoteStore(opened[0]!);
  secondary = new SwitchableVoteStore(opened[1]!);
  await records.put('registry', {
    ...recordKeys.registryEntity('election', 'e-1'),
    electionId: 'e-1',
    opensAt: new Date(OPENS).toISOString(),
    closesAt: new Date(CLOSES).toISOString(),
  });
  await constituency('c-1', 'north', { x: 3, y: 1 });
  await constituency('c-2', 'north', { x: 2 });
  await constituency('c-3', 'south', { y: 5 });
});

afterEach(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

describe('the running tally', () => {
  it('sums the configured election to a region, leaving out other regions', async () => {
    expect(await tallies().running({ level: 'region', regionId: 'north' })).toEqual({
      electionId: 'e-1',
      level: 'region',
      totalVotes: 6,
      lines: [
        { scope: 'north', candidateId: 'x', votes: 5 },
        { scope: 'north', candidateId: 'y', votes: 1 },
      ],
    });
  });

  it('reads another election when asked, which has no tally here', async () => {
    expect(await tallies().running({ electionId: 'e-2', level: 'country' })).toMatchObject({
      electionId: 'e-2',
      totalVotes: 0,
      lines: [],
    });
  });
});

describe('the published tally', () => {
  it('is refused while the polls are open, naming when they close', async () => {
    const refused = await tallies().published({ level: 'country' });
    expect(refused).toMatchObject({ ok: false, error: { reason: 'polls-open' } });
    expect(!refused.ok && refused.error.message).toContain(new Date(CLOSES).toISOString());
  });

  it('is the running tally once the polls close, or at once where running results are public', async () => {
    const country = [
      { scope: 'country', candidateId: 'y', votes: 6 },
      { scope: 'country', candidateId: 'x', votes: 5 },
    ];
    expect(await tallies(true).published({ level: 'country' })).toMatchObject({
      ok: true,
      value: { totalVotes: 11, lines: country },
    });
    now = CLOSES;
    expect(await tallies().published({ level: 'country', constituencyId: 'c-3' })).toMatchObject({
      ok: true,
      value: { totalVotes: 5, lines: [{ scope: 'country', candidateId: 'y', votes: 5 }] },
    });
  });
});

describe('concealing arrival order', () => {
  it('rewrites each region, and a region that is down reads as null while the other still conceals', async () => {
    const vote = {
      electionId: 'e-1',
      constituencyId: 'c-1',
      boothId: 'b-1',
      machineId: 'm-1',
      candidateId: 'x',
    };
    const votes = ['v2', 'v1'].map((voteId) => ({ ...vote, voteId, bucketStart: OPENS }));
    await Promise.all([primary.record(votes), secondary.record(votes)]);
    secondary.setDown(true);
    const concealed = await tallies().concealOrder();
    expect(concealed.secondary).toBeNull();
    expect(concealed.primary).toBeGreaterThan(0);
    const rows = await opened[0]!.auditRows();
    expect(rows.rows.map((r) => r[0])).toEqual(['v1', 'v2']);
  });
});
