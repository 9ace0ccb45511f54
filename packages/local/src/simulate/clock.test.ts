import { describe, expect, it } from 'vitest';
import { type Lag, Pacer, SimClock, STALLED_HOLD_MS } from './clock';

const OPENS = Date.parse('2029-04-19T01:30:00Z');

/** A running day at 150×, a pacer on a hand-driven real clock, and a lag that starts far behind. */
function day() {
  const clock = new SimClock(OPENS, 150);
  clock.run();
  let real = 0;
  const pacer = new Pacer(clock, () => real);
  const now = clock.now();
  const behind: Lag = {
    waitingSince: now - 10 * 60_000,
    oldestVoter: now - 10 * 60_000,
    oldestCast: now,
    backlog: 0,
    answers: 0,
  };
  const advance = (ms: number) => {
    real += ms;
  };
  return { clock, pacer, behind, advance };
}

describe('the pacer', () => {
  it('holds the day as long as the simulator keeps working through its own backlog', () => {
    const { clock, pacer, behind, advance } = day();
    pacer.keepPace(clock.now(), behind);
    expect(clock.held).toBe(true);
    // Four minutes of real time, an answer every ten seconds: still behind, still making progress.
    for (let answers = 1; answers <= 24; answers++) {
      advance(10_000);
      pacer.keepPace(clock.now(), { ...behind, answers });
      expect(clock.held, `after ${answers * 10} s`).toBe(true);
    }
    // The event backlog draining counts as progress too.
    for (let backlog = 50; backlog > 40; backlog--) {
      advance(10_000);
      pacer.keepPace(clock.now(), { ...behind, answers: 24, backlog });
      expect(clock.held).toBe(true);
    }
    const now = clock.now();
    pacer.keepPace(now, {
      waitingSince: now + 1,
      oldestVoter: now,
      oldestCast: now,
      backlog: 0,
      answers: 25,
    });
    expect(clock.held).toBe(false);
  });

  it('lets a hold go once nothing has progressed for a while, so a lost answer cannot stop the day', () => {
    const { clock, pacer, behind, advance } = day();
    pacer.keepPace(clock.now(), behind);
    advance(STALLED_HOLD_MS / 2);
    pacer.keepPace(clock.now(), { ...behind, answers: 3 });
    advance(STALLED_HOLD_MS - 1000);
    pacer.keepPace(clock.now(), { ...behind, answers: 3 });
    expect(clock.held).toBe(true);
    advance(2000);
    pacer.keepPace(clock.now(), { ...behind, answers: 3 });
    expect(clock.held).toBe(false);
  });

  it('holds when the event backlog grows past what the platform clears in a turn', () => {
    const { clock, pacer, advance } = day();
    const idle = (backlog: number) => {
      const now = clock.now();
      return [
        now,
        { waitingSince: now + 1, oldestVoter: now, oldestCast: now, answers: 0, backlog },
      ] as const;
    };
    pacer.keepPace(...idle(100));
    expect(clock.held).toBe(false);
    pacer.keepPace(...idle(401));
    expect(clock.held).toBe(true);
    // Shrinking all the while, if slowly: the hold lasts until the backlog is under a hundred.
    for (const backlog of [390, 300, 200, 120]) {
      advance(STALLED_HOLD_MS - 1);
      pacer.keepPace(...idle(backlog));
      expect(clock.held).toBe(true);
    }
    pacer.keepPace(...idle(99));
    expect(clock.held).toBe(false);
  });
});
