import type { Severity } from '@ballotstream/events';
import { FALSE_WARNING_LIMIT, falseAlertCounts } from './simulate-verdict';

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
  /** Every alert raised so far: the demo injects no incident, so each one is false. */
  readonly alerts: readonly { readonly rule: string; readonly severity: Severity }[];
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
        `${s.tallied} tallied.\n${falseAlertLine(s.alerts)}\n` +
        `Still serving ${this.httpUrl}/monitor/ — Ctrl-C stops.`
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

/**
 * The demo's clean day judged as `simulate` judges one: every alert is false, none may be
 * critical, and the warnings are held to the same limit.
 */
function falseAlertLine(alerts: DemoSnapshot['alerts']): string {
  const f = falseAlertCounts(alerts);
  const verdict = f.criticals === 0 && f.warnings <= FALSE_WARNING_LIMIT ? 'PASS' : 'FAIL';
  return (
    `false criticals ${f.criticals}${f.criticals > 0 ? ` (${f.criticalRules})` : ''} (limit 0), ` +
    `false warnings ${f.warnings}${f.warnings > 0 ? ` (${f.warningRules})` : ''} (limit ${FALSE_WARNING_LIMIT}): ${verdict}`
  );
}

function bar(done: number, total: number): string {
  const width = 20;
  const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
