import type { LonLat } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { distanceKm } from '../citizen/booths';
import { machineState } from './machines';

const geofence: LonLat[] = [
  [77.0, 28.0],
  [77.01, 28.0],
  [77.01, 28.01],
  [77.0, 28.01],
  [77.0, 28.0],
];
const now = 1_000_000_000;
const inside = { position: [77.005, 28.005] as LonLat, at: now - 10_000 };
const outside = { position: [77.05, 28.05] as LonLat, at: now - 10_000 };

describe('the state a machine is shown in', () => {
  it('is blocked above everything else', () => {
    expect(machineState({ blocked: true, lastFix: outside, geofence, lastVoteAt: now }, now)).toBe('blocked');
  });

  it('is off-geofence when its latest fix is outside its booth', () => {
    expect(machineState({ blocked: false, lastFix: outside, geofence, lastVoteAt: now }, now)).toBe(
      'off-geofence',
    );
  });

  it('is offline when silent for longer than the threshold, or never heard', () => {
    expect(machineState({ blocked: false }, now)).toBe('offline');
    expect(
      machineState({ blocked: false, lastFix: { ...inside, at: now - 6 * 60_000 }, geofence }, now),
    ).toBe('offline');
  });

  it('is voting after a recent vote, and idle when present but not voting', () => {
    expect(machineState({ blocked: false, lastFix: inside, geofence, lastVoteAt: now - 60_000 }, now)).toBe(
      'voting',
    );
    expect(
      machineState({ blocked: false, lastFix: inside, geofence, lastVoteAt: now - 20 * 60_000 }, now),
    ).toBe('idle');
    expect(machineState({ blocked: false, lastFix: inside, geofence }, now)).toBe('idle');
  });
});

describe('distance between two places', () => {
  it('matches the known distance from Delhi to Mumbai within ten kilometres', () => {
    const km = distanceKm({ lat: 28.6139, lon: 77.209 }, { lat: 19.076, lon: 72.8777 });
    expect(Math.abs(km - 1148)).toBeLessThan(10);
    expect(distanceKm({ lat: 10, lon: 10 }, { lat: 10, lon: 10 })).toBe(0);
  });
});
