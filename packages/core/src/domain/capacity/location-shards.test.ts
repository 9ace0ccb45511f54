import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCapacity } from './capacity-plan';
import { locationQuotas, partOfBooth, planLocationShards, shardOfBooth } from './location-shards';

// A national election's booths over 36 states and territories, as unevenly as a large country
// spreads them: the largest state holds about a sixth of the million booths.
const states: Record<string, number> = {};
const weights = [163, 98, 80, 77, 68, 64, 59, 53, 51, 46, 38, 35, 29, 25, 25, 24, 24, 20, 14, 12, 12, 8];
const small = 14;
let left = 1_000_000;
weights.forEach((w, i) => {
  const booths = Math.round((w / 1_025) * 1_000_000);
  states[`state-${String(i + 1).padStart(2, '0')}`] = booths;
  left -= booths;
});
for (let i = 0; i < small; i++) {
  const booths = i === small - 1 ? left : Math.floor(left / (small - i));
  states[`ut-${String(i + 1).padStart(2, '0')}`] = booths;
  left -= booths;
}

describe('the location plan', () => {
  it('shards a million booths within every Amazon Location quota', () => {
    expect(Object.values(states).reduce((a, b) => a + b, 0)).toBe(1_000_000);
    const shards = planLocationShards({ booths: 1_000_000, boothsByRegion: states });
    expect(shards.reduce((t, s) => t + s.booths, 0)).toBe(1_000_000);
    expect(Math.max(...shards.map((s) => s.booths))).toBeLessThanOrEqual(
      locationQuotas.geofencesPerCollection,
    );
    expect(shards.length).toBeLessThanOrEqual(locationQuotas.collectionsPerAccount);
    expect(shards.length).toBeLessThanOrEqual(locationQuotas.trackersPerAccount);
    // The largest state needs several collections; a small territory keeps one of its own.
    expect(shards.filter((s) => s.regionId === 'state-01').length).toBeGreaterThan(3);
    expect(shards.filter((s) => s.regionId === 'ut-01')).toHaveLength(1);
  });

  it('keeps every shard of any split of up to two million booths under the geofence quota', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 40 }),
        (counts) => {
          const boothsByRegion = Object.fromEntries(counts.map((c, i) => [`r-${i}`, c]));
          const booths = counts.reduce((a, b) => a + b, 0);
          const shards = planLocationShards({ booths, boothsByRegion });
          expect(shards.reduce((t, s) => t + s.booths, 0)).toBe(booths);
          for (const s of shards) expect(s.booths).toBeLessThanOrEqual(locationQuotas.geofencesPerCollection);
          expect(shards.length).toBeLessThanOrEqual(locationQuotas.trackersPerAccount);
        },
      ),
    );
  });

  it('puts the booths of the largest state into its shards by hash, none past the quota', () => {
    const shards = planLocationShards({ booths: 1_000_000, boothsByRegion: states });
    const parts = shards.filter((s) => s.regionId === 'state-01');
    const counts = new Array<number>(parts.length).fill(0);
    for (let i = 0; i < states['state-01']!; i++) {
      const shard = shardOfBooth(shards, 'state-01', `pc-${Math.floor(i / 2_000)}-ps-${i}`)!;
      counts[shard.part]!++;
    }
    for (const count of counts) expect(count).toBeLessThanOrEqual(locationQuotas.geofencesPerCollection);
    expect(partOfBooth('pc-1-ps-1', 4)).toBe(partOfBooth('pc-1-ps-1', 4));
  });

  it('names the position update rate a national fleet needs above what the quota can be raised to', () => {
    const plan = planCapacity({
      voters: 970_000_000,
      turnout: 0.67,
      booths: 1_000_000,
      machinesPerBooth: 1,
      hours: 11,
      peakFactor: 3,
      boothsByRegion: states,
    });
    const location = plan.lines.filter((l) => l.service === 'Amazon Location');
    const byMetric = (start: string) => location.find((l) => l.metric.startsWith(start))!;
    expect(byMetric('geofences in the fullest collection').exceedsDefault).toBe(false);
    expect(byMetric('trackers').exceedsDefault).toBe(false);
    expect(byMetric('BatchUpdateDevicePosition').exceedsDefault).toBe(true);
    expect(byMetric('BatchUpdateDevicePosition').note).toContain('every 1000 s');
    expect(plan.locationShards).toHaveLength(new Set(plan.locationShards.map((s) => s.name)).size);
  });
});
