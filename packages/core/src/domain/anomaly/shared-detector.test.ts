import { describe, expect, it } from 'vitest';
import { MemoryDetectorState } from '../../adapters/local/memory-detector-state';
import { SharedAnomalyDetector } from './shared-detector';
import { defaultMonitoring } from './thresholds';

const T0 = Date.parse('2026-11-27T04:00:00Z');
const MIN = 60_000;

describe('the shared anomaly detector', () => {
  it('orders connects and disconnects by when they happened, not when they were handled', async () => {
    const detector = new SharedAnomalyDetector({
      monitoring: defaultMonitoring(),
      state: new MemoryDetectorState(),
    });
    const m = { machineId: 'm1', boothId: 'b1', regionId: 'r1' };
    // Another instance handled the disconnect first; the connect before it arrives late.
    await detector.disconnected(m, 'disconnect-1', T0 + MIN, T0 + MIN);
    await detector.connected(m, 'connect-1', T0 + 2 * MIN, T0);
    const found = await detector.sweep(T0 + 7 * MIN);
    expect(found.map((f) => [f.rule, f.subject.machineId])).toEqual([['machine-offline', 'm1']]);
  });

  it('reports no machine offline or silent after it sent its result record and powered off', async () => {
    const detector = new SharedAnomalyDetector({
      monitoring: defaultMonitoring(),
      state: new MemoryDetectorState(),
    });
    const closed = { machineId: 'm1', boothId: 'b1', regionId: 'r1' };
    const lost = { machineId: 'm2', boothId: 'b2', regionId: 'r1' };
    for (const m of [closed, lost]) await detector.connected(m, `connect-${m.machineId}`, T0, T0);
    await detector.pollClosed(closed, 'results-m1', T0 + MIN);
    for (const m of [closed, lost])
      await detector.disconnected(m, `disconnect-${m.machineId}`, T0 + MIN, T0 + MIN);
    const found = await detector.sweep(T0 + 30 * MIN);
    expect(found.map((f) => [f.rule, f.subject.machineId])).toEqual([['machine-offline', 'm2']]);
  });
});
