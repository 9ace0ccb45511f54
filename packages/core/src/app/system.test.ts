import { alertRaised, type HealthProbe, topics } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalBrokerProbe } from '../adapters/local/local-broker-probe';
import type { MachineChannel } from '../adapters/local/local-machine-commands';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { MemoryVoterCache } from '../adapters/local/memory-voter-cache';
import { configSchema } from '../config';
import { systemUseCases } from './system';

const T0 = Date.UTC(2026, 10, 27, 9);
const config = configSchema.parse({});
let now = T0;
const clock = { now: () => now };
let records: MemoryRecordStore;
let cache: MemoryVoterCache;

/**
 * The embedded broker as the health check meets it: a probe published on the health topic comes
 * back through the `health/+` rule (the app's own `recordProbe`), unless the broker loses it.
 */
function broker(deliver: (probe: HealthProbe) => 'deliver' | 'lose' | 'refuse') {
  const channel: MachineChannel = {
    async publish(topic, payload) {
      const probe = JSON.parse(payload) as HealthProbe;
      expect(topic).toBe(topics.healthProbe('test', probe.probeId));
      const fate = deliver(probe);
      if (fate === 'refuse') throw new Error('connection refused');
      if (fate === 'deliver') await system.recordProbe(probe, Date.now());
    },
  };
  const system = systemUseCases(
    { records, clock: { now: () => Date.now() }, cache, brokerProbe: new LocalBrokerProbe('test', channel) },
    config,
  );
  return system;
}

function system() {
  return broker(() => 'deliver');
}

beforeEach(() => {
  now = T0;
  records = new MemoryRecordStore();
  cache = new MemoryVoterCache(clock);
});

describe('the dependency health check', () => {
  it('reports every dependency up and announces nothing', async () => {
    const done = await systemUseCases({ records, clock, cache, brokerProbe: unusedProbe }, config).health();
    expect(done.result).toEqual({ status: 'ok', dependencies: { cache: 'up', records: 'up' } });
    expect(done.events).toEqual([]);
  });

  it('raises one national alert for a cache that does not answer, and raises it anew once it was back', async () => {
    const health = systemUseCases({ records, clock, cache, brokerProbe: unusedProbe }, config).health;
    cache.setReachable(false);
    const down = await health();
    expect(down.result).toEqual({ status: 'degraded', dependencies: { cache: 'down', records: 'up' } });
    expect(down.events).toEqual([
      expect.objectContaining({
        detailType: alertRaised.type,
        detail: expect.objectContaining({ kind: 'dependency-down:cache', severity: 'critical' }),
      }),
    ]);
    now += 1_000;
    expect((await health()).events).toEqual([]);
    cache.setReachable(true);
    now += 1_000;
    expect((await health()).result.status).toBe('ok');
    cache.setReachable(false);
    now += 1_000;
    expect((await health()).events.map((e) => e.detailType)).toEqual([alertRaised.type]);
  });
});

describe('the broker health check', () => {
  it('is up when every probe comes back through the rule', async () => {
    expect(await system().probeBroker({ messages: 4, timeoutMs: 5_000 })).toMatchObject({
      status: 'up',
      sent: 4,
      received: 4,
    });
  });

  it('is down when the broker loses a probe, and at once when it refuses them', async () => {
    const lossy = broker((probe) => (probe.seq === 2 ? 'lose' : 'deliver'));
    expect(await lossy.probeBroker({ messages: 4, timeoutMs: 200 })).toMatchObject({
      status: 'down',
      received: 3,
      problem: 'not-all-returned',
    });
    const refusing = broker(() => 'refuse');
    expect(await refusing.probeBroker({ messages: 4, timeoutMs: 60_000 })).toMatchObject({
      status: 'down',
      received: 0,
      problem: 'publish-failed',
    });
  });
});

// The dependency check never publishes to the broker.
const unusedProbe = new LocalBrokerProbe('test', {
  publish: () => Promise.reject(new Error('the dependency check does not probe the broker')),
});
