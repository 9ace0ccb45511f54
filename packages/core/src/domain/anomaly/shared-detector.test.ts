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
});
