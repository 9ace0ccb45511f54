import { describe, expect, it } from 'vitest';
import type { Injected } from './config';
import { judgeIncidents, type SeenAlert } from './report';

const MIN = 60_000;
const T0 = Date.parse('2029-04-19T06:00:00Z');
const windows = { fleetWindowMs: MIN, tallyWindowMs: 15 * MIN, settleMs: 6 * MIN };
const outage: Injected = {
  kind: 'secondary-outage',
  expected: ['regions-diverged'],
  boothIds: [],
  at: T0,
  endedAt: T0 + 60 * MIN,
};
const diverged = (at: number, windowStart: number): SeenAlert => ({
  kind: 'regions-diverged',
  severity: 'critical',
  region: 'national',
  evidence: { windowStart, windowEnd: windowStart + 15 * MIN, primaryVotes: 62, secondaryVotes: 1 },
  at,
});

describe('judging the secondary outage', () => {
  it("owns a late divergence of a window inside the outage: the backfill has not caught up, it is the outage's", () => {
    const late = diverged(T0 + 98 * MIN, T0);
    const judged = judgeIncidents([outage], [diverged(T0 + 5 * MIN, T0), late], windows);
    expect(judged.incidents[0]?.detected).toBe(true);
    expect(judged.falseAlerts).toEqual([]);
  });

  it('calls a late divergence of a window before or after the outage a false critical', () => {
    const judged = judgeIncidents(
      [outage],
      [
        diverged(T0 + 5 * MIN, T0),
        diverged(T0 + 120 * MIN, T0 + 90 * MIN),
        diverged(T0 + 120 * MIN, T0 - 60 * MIN),
      ],
      windows,
    );
    expect(judged.falseAlerts.map((a) => [a.rule, a.severity])).toEqual([
      ['regions-diverged', 'critical'],
      ['regions-diverged', 'critical'],
    ]);
  });
});
