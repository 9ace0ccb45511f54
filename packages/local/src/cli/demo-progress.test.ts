import { describe, expect, it } from 'vitest';
import { DemoProgress, type DemoSnapshot } from './demo-progress';
import { FALSE_WARNING_LIMIT } from './simulate-verdict';

const at = (s: Partial<DemoSnapshot>): DemoSnapshot => ({
  seconds: 1,
  verified: 0,
  sent: 0,
  accepted: 0,
  rejected: 0,
  tallied: 0,
  boothsDone: false,
  alerts: [],
  ...s,
});

describe('the demo progress', () => {
  it('prints a line only when a count moved', () => {
    const p = new DemoProgress(10, 'http://x');
    expect(p.next(at({ sent: 1 }))).toContain('sent 1');
    expect(p.next(at({ sent: 1, seconds: 3 }))).toBeUndefined();
    expect(p.next(at({ sent: 2 }))).toContain('sent 2');
  });

  it('says once that it is done when the booths stopped and the tally caught up, then stays quiet', () => {
    const p = new DemoProgress(10, 'http://x');
    expect(p.next(at({ accepted: 10, tallied: 4, boothsDone: true }))).not.toContain('done');
    const done = p.next(at({ accepted: 10, tallied: 10, boothsDone: true }));
    expect(done).toContain('demo done');
    expect(done).toContain('Still serving http://x/monitor/');
    expect(p.done).toBe(true);
    expect(p.next(at({ accepted: 10, tallied: 10, boothsDone: true }))).toBeUndefined();
    expect(p.next(at({ accepted: 11, tallied: 11, boothsDone: true }))).toBeUndefined();
  });

  it('judges its clean day as simulate does: false criticals and false warnings against the limit', () => {
    const clean = new DemoProgress(10, 'http://x').next(at({ accepted: 10, tallied: 10, boothsDone: true }));
    expect(clean).toContain(
      `false criticals 0 (limit 0), false warnings 0 (limit ${FALSE_WARNING_LIMIT}): PASS`,
    );
    const noisy = new DemoProgress(10, 'http://x').next(
      at({
        accepted: 10,
        tallied: 10,
        boothsDone: true,
        alerts: [
          { rule: 'vote-rate', severity: 'critical' },
          { rule: 'message-rate', severity: 'warning' },
        ],
      }),
    );
    expect(noisy).toContain('false criticals 1 (vote-rate 1) (limit 0)');
    expect(noisy).toContain('false warnings 1 (message-rate 1)');
    expect(noisy).toContain(': FAIL');
  });

  it('is done when nothing moves for a while after the booths stopped, though the tally lags', () => {
    const p = new DemoProgress(10, 'http://x');
    const stuck = at({ accepted: 10, tallied: 9, boothsDone: true });
    const lines = Array.from({ length: DemoProgress.settledLooks + 1 }, () => p.next(stuck));
    expect(lines.filter((l) => l !== undefined)).toHaveLength(2);
    expect(lines.at(-1)).toContain('9 tallied');
  });

  it('is not done while booths still vote', () => {
    const p = new DemoProgress(10, 'http://x');
    for (let i = 0; i < DemoProgress.settledLooks + 2; i++) p.next(at({ accepted: 3, tallied: 3 }));
    expect(p.done).toBe(false);
  });
});
