import type { FleetActivity } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { MemoryDetectorState } from '../../adapters/local/memory-detector-state';
import { defaultMonitoring } from '../anomaly/thresholds';
import { FleetMonitor, type SourceProfile, type Violation } from './fleet-monitor';
import { SharedFleetMonitor } from './shared-fleet-monitor';

const t = defaultMonitoring().fleet;
const T0 = 1_800_000_000_000;

interface Step {
  readonly activity: FleetActivity;
  readonly profile?: SourceProfile;
}

const idOf = (a: FleetActivity) => `${a.kind}:${a.clientId}:${a.at}`;
const brief = (v: Violation) => ({
  machineId: v.machineId,
  behaviour: v.behaviour,
  metricValue: v.metricValue,
  at: v.at,
});

const streams: Record<string, Step[]> = {
  'a burst of refusals': Array.from({ length: 8 }, (_, i) => ({
    activity: { kind: 'publish-denied', clientId: 'm1', topic: `x/${i}`, at: T0 + i * 1000 },
  })),
  'a prober pacing itself': Array.from({ length: 40 }, (_, i) => ({
    activity: { kind: 'publish-denied', clientId: 'm1', topic: 'x', at: T0 + i * 15_001 },
  })),
  'a message flood beside a quiet machine': [
    ...Array.from({ length: 300 }, (_, i) => ({
      activity: { kind: 'published', clientId: 'm1', topic: 'v', at: T0 + i * 1000 } as const,
    })),
    ...Array.from({ length: 200 }, (_, i) => ({
      activity: { kind: 'published', clientId: 'm2', topic: 'v', at: T0 + i * 100 } as const,
    })),
  ],
  'connects from outside the uplink, a storm and a second place': [
    {
      activity: { kind: 'connected', clientId: 'm1', address: '::ffff:10.20.3.4', at: T0 },
      profile: { allowedSources: ['10.20.0.0/16'] },
    },
    { activity: { kind: 'disconnected', clientId: 'm1', at: T0 + 1 } },
    {
      activity: { kind: 'connected', clientId: 'm1', address: '203.0.113.9', at: T0 + 2 },
      profile: { allowedSources: ['10.20.0.0/16'] },
    },
    ...Array.from({ length: 6 }, (_, i) => [
      { activity: { kind: 'connected', clientId: 'm3', address: '10.0.0.1', at: T0 + i * 5000 } as const },
      { activity: { kind: 'disconnected', clientId: 'm3', at: T0 + i * 5000 + 1 } as const },
    ]).flat(),
    { activity: { kind: 'connected', clientId: 'm4', address: '10.0.0.1', at: T0 } },
    { activity: { kind: 'connected', clientId: 'm4', address: '198.51.100.7', at: T0 + 10 } },
  ],
};

describe('the fleet monitor over shared state', () => {
  for (const [name, steps] of Object.entries(streams)) {
    it(`reports what the in-process monitor reports: ${name}`, async () => {
      const local = new FleetMonitor(t);
      const shared = new SharedFleetMonitor(t, new MemoryDetectorState());
      const expected = steps.flatMap((s) => local.observe(s.activity, s.profile));
      const found: Violation[] = [];
      for (const s of steps) found.push(...(await shared.observe(s.activity, idOf(s.activity), s.profile)));
      expect(expected.length).toBeGreaterThan(0);
      expect(found.map(brief)).toEqual(expected.map(brief));
    });
  }

  it('counts a prober split between two instances as one monitor does, and redeliveries once', async () => {
    const state = new MemoryDetectorState();
    const [a, b] = [new SharedFleetMonitor(t, state), new SharedFleetMonitor(t, state)];
    const lists: Step[][] = [[], []];
    streams['a prober pacing itself']!.forEach((s, i) => {
      lists[i % 2]!.push(s);
      if (i % 3 === 0) lists[(i + 1) % 2]!.push(s);
    });
    const found = (
      await Promise.all(
        [a, b].map(async (monitor, i) => {
          const out: Violation[] = [];
          for (const s of lists[i]!) out.push(...(await monitor.observe(s.activity, idOf(s.activity))));
          return out;
        }),
      )
    ).flat();
    expect([...new Set(found.map((v) => v.at - T0))].sort((x, y) => x - y)).toEqual([
      4 * 15_001,
      24 * 15_001,
    ]);
  });

  it('does not count a redelivered refusal twice', async () => {
    const shared = new SharedFleetMonitor(t, new MemoryDetectorState());
    const found: Violation[] = [];
    for (let i = 0; i < 4; i++) {
      const activity: FleetActivity = {
        kind: 'publish-denied',
        clientId: 'm1',
        topic: 'x',
        at: T0 + i * 1000,
      };
      found.push(...(await shared.observe(activity, idOf(activity))));
      found.push(...(await shared.observe(activity, idOf(activity))));
    }
    expect(found).toEqual([]);
  });
});
