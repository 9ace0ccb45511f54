import { describe, expect, it } from 'vitest';
import { MemoryDetectorState } from '../../adapters/local/memory-detector-state';
import type { DetectorState } from '../../ports/detector-state';
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

  it("finds a booth whose shares stand out from the rest of its constituency, changing only the machine's and booth's state a vote", async () => {
    const memory = new MemoryDetectorState();
    const changed: string[] = [];
    const state: DetectorState = {
      apply: (subject, eventId, change) => {
        changed.push(subject);
        return memory.apply(subject, eventId, change);
      },
      read: (subject, series) => memory.read(subject, series),
      index: (name, subjects) => memory.index(name, subjects),
      members: (name) => memory.members(name),
      claimReport: (key, eventId, at, cooldownMs) => memory.claimReport(key, eventId, at, cooldownMs),
      close: () => memory.close(),
    };
    const detector = new SharedAnomalyDetector({ monitoring: defaultMonitoring(), state });
    const place = (boothId: string) => ({
      machineId: `m-${boothId}`,
      boothId,
      constituencyId: 'c1',
      regionId: 'r1',
    });
    let n = 0;
    const cast = async (boothId: string, candidateId: string) => {
      n++;
      // A vote a minute per machine: no rate or burst finding gets in the way.
      await detector.voteAccepted({ ...place(boothId), candidateId }, `v${n}`, T0 + n * MIN);
    };
    // Two ordinary booths split their votes; the third gives nearly all of its to one candidate.
    for (let i = 0; i < 120; i++) await cast('b1', i % 2 === 0 ? 'cand-a' : 'cand-b');
    for (let i = 0; i < 120; i++) await cast('b2', i % 2 === 0 ? 'cand-a' : 'cand-b');
    for (let i = 0; i < 120; i++) await cast('b3', i < 115 ? 'cand-a' : 'cand-b');
    expect(new Set(changed)).toEqual(new Set(['m:m-b1', 'b:b1', 'm:m-b2', 'b:b2', 'm:m-b3', 'b:b3']));
    const found = await detector.sweep(T0 + n * MIN);
    expect(found.filter((f) => f.rule === 'booth-trend').map((f) => f.subject.boothId)).toEqual(['b3']);
  });
});
