import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { recordKeys } from '../shared/keys';
import { readTurnout } from './turnout';

async function storeWithTwoWindows(): Promise<MemoryRecordStore> {
  const records = new MemoryRecordStore();
  for (const [constituencyId, regionId] of [
    ['c-1', 'north'],
    ['c-2', 'north'],
    ['c-3', 'south'],
  ]) {
    await records.put('registry', {
      ...recordKeys.constituency(constituencyId!),
      constituencyId,
      regionId,
      name: constituencyId,
    });
  }
  const windows: [number, Record<string, number>][] = [
    [60_000, { 'c-1': 3, 'c-3': 5 }],
    [120_000, { 'c-1': 2, 'c-2': 4 }],
  ];
  for (const [windowStart, constituencies] of windows) {
    await records.put('tallies', {
      ...recordKeys.turnoutWindow('e-1', windowStart),
      windowStart,
      constituencies,
    });
  }
  return records;
}

describe('reading turnout over time', () => {
  it('gives each constituency of the region its running total per window, beside the region’s', async () => {
    const report = await readTurnout(await storeWithTwoWindows(), 'e-1', 'north');
    expect(report.points.map((p) => p.cumulative)).toEqual([3, 9]);
    expect(report.constituencies).toEqual([
      {
        constituencyId: 'c-1',
        points: [
          { windowStart: 60_000, cumulative: 3 },
          { windowStart: 120_000, cumulative: 5 },
        ],
      },
      { constituencyId: 'c-2', points: [{ windowStart: 120_000, cumulative: 4 }] },
    ]);
  });

  it('gives every constituency of the country when no region is asked for', async () => {
    const report = await readTurnout(await storeWithTwoWindows(), 'e-1');
    expect(report.totalVotes).toBe(14);
    expect(report.constituencies.map((c) => c.constituencyId)).toEqual(['c-1', 'c-2', 'c-3']);
  });
});
