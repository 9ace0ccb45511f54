import { describe, expect, it } from 'vitest';
import { voteRateRule } from './rules';
import { defaultMonitoring, monitoringAtPace } from './thresholds';

const subject = { machineId: 'm-1' };

describe('thresholds at a pace', () => {
  it('lets a booth voting at a quick human rate, played 30 times faster, through the vote-rate rule', () => {
    const m = monitoringAtPace(defaultMonitoring(), 30);
    // Five voters a minute at the booth, thirty times faster: one vote every 400 ms.
    const times = Array.from({ length: 300 }, (_, i) => i * 400);
    for (const now of [60_000, 90_000, 119_600])
      expect(voteRateRule(subject, times, now, m.votes)).toBeUndefined();
  });

  it('still fires on a machine stuffing votes beyond people at that pace', () => {
    const m = monitoringAtPace(defaultMonitoring(), 30);
    // One vote every 200 ms is 300 a minute: beyond the 240 that eight a minute allows at 30×.
    const times = Array.from({ length: 300 }, (_, i) => i * 200);
    expect(voteRateRule(subject, times, 60_000, m.votes)?.rule).toBe('vote-rate');
  });

  it('scales counts per window and keeps every duration', () => {
    const base = defaultMonitoring();
    const m = monitoringAtPace(base, 30);
    expect(m.votes.maxPerWindow).toBe(base.votes.maxPerWindow * 30);
    expect(m.fleet.maxMessages).toBe(base.fleet.maxMessages * 30);
    expect(m.votes.rateWindowMs).toBe(base.votes.rateWindowMs);
    expect(m.liveness).toEqual(base.liveness);
    expect(m.alerting).toEqual(base.alerting);
  });
});
