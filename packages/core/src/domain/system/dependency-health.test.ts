import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { listAlerts } from '../alerts/alerts';
import { defaultMonitoring } from '../anomaly/thresholds';
import { checkDependencies, type DependencyProbe } from './dependency-health';

function setup() {
  let now = Date.parse('2026-05-01T08:00:00Z');
  const deps = {
    records: new MemoryRecordStore(),
    clock: { now: () => now },
    alerting: defaultMonitoring().alerting,
  };
  let cacheUp = true;
  const probes: DependencyProbe[] = [
    { name: 'cache', up: async () => cacheUp },
    { name: 'records', up: async () => true },
  ];
  return {
    deps,
    probes,
    setCache: (up: boolean) => {
      cacheUp = up;
    },
    later: (ms: number) => {
      now += ms;
    },
  };
}

describe('the dependency health check', () => {
  it('reports each dependency, and raises one alert for a dependency that is down however often it is asked', async () => {
    const { deps, probes, setCache, later } = setup();
    expect(await checkDependencies(deps, probes)).toMatchObject({
      status: 'ok',
      dependencies: { cache: 'up', records: 'up' },
      raised: [],
    });
    setCache(false);
    const first = await checkDependencies(deps, probes);
    expect(first).toMatchObject({ status: 'degraded', dependencies: { cache: 'down', records: 'up' } });
    expect(first.raised).toEqual([
      expect.objectContaining({ kind: 'dependency-down:cache', severity: 'critical', region: 'national' }),
    ]);
    later(60_000);
    expect((await checkDependencies(deps, probes)).raised).toEqual([]);
    const listed = await listAlerts(deps.records, { role: 'admin', subject: 'ada' }, { status: 'open' });
    expect(listed.ok && listed.value.map((a) => [a.kind, a.count])).toEqual([['dependency-down:cache', 2]]);
  });

  it('clears the alert when the dependency answers again, and opens a new one when it falls again', async () => {
    const { deps, probes, setCache, later } = setup();
    setCache(false);
    const raised = (await checkDependencies(deps, probes)).raised[0]!;
    setCache(true);
    later(60_000);
    const back = await checkDependencies(deps, probes);
    expect(back.cleared).toEqual([expect.objectContaining({ alertId: raised.alertId })]);
    expect(back.cleared[0]?.acknowledgedBy).toMatch(/cache answers again/);
    expect((await checkDependencies(deps, probes)).cleared).toEqual([]);
    setCache(false);
    later(60_000);
    const again = (await checkDependencies(deps, probes)).raised;
    expect(again).toHaveLength(1);
    expect(again[0]?.alertId).not.toBe(raised.alertId);
  });

  it('takes a dependency that does not answer in time as down', async () => {
    const { deps } = setup();
    const hanging: DependencyProbe = { name: 'cache', up: () => new Promise<boolean>(() => undefined) };
    const failing: DependencyProbe = { name: 'records', up: () => Promise.reject(new Error('refused')) };
    expect((await checkDependencies(deps, [hanging, failing], 50)).dependencies).toEqual({
      cache: 'down',
      records: 'down',
    });
  });
});
