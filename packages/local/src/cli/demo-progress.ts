/** What the demo has done so far, as `up --demo` counts it. */
export interface DemoSnapshot {
  readonly seconds: number;
  readonly verified: number;
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly tallied: number;
  /** The booths have stopped voting (every voter voted, or the demo was stopped). */
  readonly boothsDone: boolean;
}

/**
 * Decides what the demo prints at each look at its counts: a progress line only when a count
 * moved, one line when every booth is done and every accepted vote is tallied, then nothing.
 */
export class DemoProgress {
  private lastCounts = '';
  private finished = false;
  private unchangedLooks = 0;

  /** Looks with no count moving, after the booths stopped, that count as done. */
  static readonly settledLooks = 15;

  constructor(
    private readonly voters: number,
    private readonly httpUrl: string,
  ) {}

  /** The line to print for this snapshot, or undefined to stay quiet. */
  next(s: DemoSnapshot): string | undefined {
    if (this.finished) return undefined;
    const counts = `verified ${s.verified}  sent ${s.sent}  accepted ${s.accepted}  rejected ${s.rejected}  tallied ${s.tallied}`;
    this.unchangedLooks = counts === this.lastCounts ? this.unchangedLooks + 1 : 0;
    // Done when the tally has caught up, or when nothing has moved for a while after the booths
    // stopped (a vote the tally will never take must not keep the demo talking).
    if (s.boothsDone && (s.tallied >= s.accepted || this.unchangedLooks >= DemoProgress.settledLooks)) {
      this.finished = true;
      return (
        `demo done in ${s.seconds.toFixed(0)} s: ${s.accepted} votes accepted, ${s.rejected} rejected, ` +
        `${s.tallied} tallied. Still serving ${this.httpUrl}/monitor/ — Ctrl-C stops.`
      );
    }
    if (this.unchangedLooks > 0) return undefined;
    this.lastCounts = counts;
    return `[${s.seconds.toFixed(0).padStart(4)}s] ${counts}  ${bar(s.tallied, this.voters)}`;
  }

  /** Whether the done line has been printed. */
  get done(): boolean {
    return this.finished;
  }
}

function bar(done: number, total: number): string {
  const width = 20;
  const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
