import type { Clock } from '@ballotstream/core/ports';

/**
 * Simulated time: starts at `start` and runs `speedup` times faster than the wall clock once
 * `run()` is called. Until then, and while held, it stands still: seeding and powering machines
 * on take real time the poll day must not lose, and when the machine running the simulation
 * cannot serve voters as fast as they arrive, the day waits for it rather than leaving voters
 * holding ballot tokens that expire while the simulator catches up.
 */
export class SimClock implements Clock {
  private base: number;
  private realBase: number | undefined;
  private heldSince: number | undefined = performance.now();
  private heldMs = 0;
  private started = false;
  constructor(
    start: number,
    readonly speedup: number,
  ) {
    this.base = start;
  }
  now(): number {
    if (this.realBase === undefined) return this.base;
    return Math.floor(this.base + (performance.now() - this.realBase) * this.speedup);
  }
  /** Sets the clock running (again) from where it stands. */
  run(): void {
    if (this.realBase !== undefined) return;
    this.realBase = performance.now();
    // The first start ends the setup, which is not counted as holding.
    if (this.heldSince !== undefined && this.started) this.heldMs += performance.now() - this.heldSince;
    this.heldSince = undefined;
    this.started = true;
  }
  /** Stops the clock where it stands until `run()`. */
  hold(): void {
    if (this.realBase === undefined) return;
    this.base = this.now();
    this.realBase = undefined;
    this.heldSince = performance.now();
  }
  get held(): boolean {
    return this.realBase === undefined;
  }
  /** Real milliseconds the day was held after it started. */
  heldRealMs(): number {
    return (
      this.heldMs + (this.heldSince !== undefined && this.started ? performance.now() - this.heldSince : 0)
    );
  }
  /** Resolves once simulated time reaches `at`. */
  async until(at: number): Promise<void> {
    const wait = (at - this.now()) / this.speedup;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

/** How far behind the simulator is, read each turn of the day's loop (simulated ms). */
export interface Lag {
  /** When the next voter due arrives (infinity once all have). */
  readonly waitingSince: number;
  /** When the longest-serving voter in a booth began. */
  readonly oldestVoter: number;
  /** When the oldest cast vote still without an answer was cast. */
  readonly oldestCast: number;
  /** Event deliveries not yet made. */
  readonly backlog: number;
  /** Answers the simulator has had so far (verifications answered, votes accepted or rejected). */
  readonly answers: number;
}

/** Real time without progress after which a hold is let go. */
export const STALLED_HOLD_MS = 30_000;

/**
 * Holds the clock while the simulator falls behind and lets it run once it has caught up.
 * Under a speedup a second of real lag is minutes of simulated time; held, the platform sees
 * voters when they came and tokens do not expire in the simulator's hands. While answers keep
 * coming or the event backlog shrinks, the backlog is this machine's own work in progress and the
 * hold lasts as long as it does, so a loaded machine slows the day rather than breaking it; a hold
 * that sees no progress for `STALLED_HOLD_MS` of real time is let go, so a lost answer cannot stop
 * the day.
 */
export class Pacer {
  private progressAt = 0;
  private answers = 0;
  private backlog = 0;
  constructor(
    private readonly clock: SimClock,
    private readonly realNow: () => number = () => performance.now(),
  ) {}
  /** Decides, for the loop's turn at simulated `now`, whether the day holds or runs. */
  keepPace(now: number, lag: Lag): void {
    const behindBy = Math.max(now - lag.waitingSince, now - lag.oldestVoter, now - lag.oldestCast);
    if (!this.clock.held && (behindBy > 120_000 || lag.backlog > 400)) {
      this.clock.hold();
      this.progressed(lag);
    } else if (this.clock.held) {
      if (lag.answers > this.answers || lag.backlog < this.backlog) this.progressed(lag);
      this.backlog = lag.backlog;
      const caughtUp =
        lag.waitingSince > now &&
        now - lag.oldestVoter <= 60_000 &&
        now - lag.oldestCast <= 60_000 &&
        lag.backlog < 100;
      if (caughtUp || this.realNow() - this.progressAt > STALLED_HOLD_MS) this.clock.run();
    }
  }

  private progressed(lag: Lag): void {
    this.progressAt = this.realNow();
    this.answers = lag.answers;
    this.backlog = lag.backlog;
  }
}
