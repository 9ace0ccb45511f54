import type { LonLat } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import type { BoothGeofence } from '../../ports/geofence-collection';
import { recordKeys } from '../shared/keys';
import { loadBoothGeofences } from './load-geofences';

const square = (d: number): LonLat[] => [
  [77, 28],
  [77 + d, 28],
  [77 + d, 28 + d],
  [77, 28],
];

describe('loading booth geofences into the collection', () => {
  it("puts each booth's polygon as the registry holds it now, once per booth", async () => {
    const records = new MemoryRecordStore();
    await records.put('registry', {
      ...recordKeys.booth('b1'),
      boothId: 'b1',
      regionId: 'north',
      geofence: square(0.001),
    });
    await records.put('registry', {
      ...recordKeys.booth('b2'),
      boothId: 'b2',
      regionId: 'north',
      geofence: square(0.002),
    });
    const put: BoothGeofence[][] = [];
    const geofences = { put: async (g: readonly BoothGeofence[]) => void put.push([...g]) };
    // A booth changed after its created event was sent: the registry's polygon wins.
    await records.update('registry', recordKeys.booth('b1'), { geofence: square(0.003) });
    expect(await loadBoothGeofences({ records, geofences }, ['b1', 'b2', 'b1'])).toBe(2);
    expect(put).toEqual([
      [
        { boothId: 'b1', regionId: 'north', ring: square(0.003) },
        { boothId: 'b2', regionId: 'north', ring: square(0.002) },
      ],
    ]);
  });

  it('skips a booth no longer registered, or without a polygon, and calls nothing for none', async () => {
    const records = new MemoryRecordStore();
    await records.put('registry', { ...recordKeys.booth('b3'), boothId: 'b3' });
    let calls = 0;
    const geofences = { put: async () => void calls++ };
    expect(await loadBoothGeofences({ records, geofences }, ['gone', 'b3'])).toBe(0);
    expect(calls).toBe(0);
  });
});
