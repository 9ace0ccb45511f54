import { describe, expect, it } from 'vitest';
import { parseWaves, planWaves, waveVerdict } from './rollout';

describe('rollout waves', () => {
  it('splits the fleet into waves by cumulative share, each machine in one wave', () => {
    const machines = Array.from({ length: 1000 }, (_, i) => `m-${i}`);
    const waves = planWaves(machines, parseWaves('1%,10%,100%', 20, 5));
    expect(waves.map((w) => w.length)).toEqual([10, 90, 900]);
    expect(new Set(waves.flat()).size).toBe(1000);
  });

  it('gives a small fleet at least one machine a wave until it runs out', () => {
    expect(planWaves(['a', 'b'], parseWaves('1%,50%,100%', 20, 1))).toEqual([['a'], ['b'], []]);
  });

  it('refuses waves that do not grow or do not reach the whole fleet, naming the wave', () => {
    expect(() => parseWaves('10%,5%,100%', 20, 1)).toThrow(/wave 2/);
    expect(() => parseWaves('10%,50%', 20, 1)).toThrow(/100%/);
    expect(() => parseWaves('10,100%', 20, 1)).toThrow(/"10"/);
  });

  it('aborts at the threshold only once enough executions finished', () => {
    const wave = { upTo: 1, abortAtPercent: 20, minExecuted: 5 };
    const counts = { targets: 50, succeeded: 2, failed: 2, rejected: 0, timedOut: 0 };
    expect(waveVerdict(counts, wave)).toBe('running');
    expect(waveVerdict({ ...counts, timedOut: 1 }, wave)).toBe('aborted');
    expect(waveVerdict({ ...counts, succeeded: 20 }, wave)).toBe('running');
    expect(waveVerdict({ ...counts, succeeded: 47, failed: 3 }, wave)).toBe('succeeded');
  });
});
