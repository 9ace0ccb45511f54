import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import type { TallyRow, VoteStore, WindowCount, WindowTurnout } from '../../ports/vote-store';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';

export interface MaterialiseDeps {
  readonly primary: VoteStore;
  readonly secondary: VoteStore;
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly tallyWindowMs: number;
  /** Votes by which the regions may differ on a window still inside `settleMs` without an alert (default 0). */
  readonly inFlightToleranceVotes?: number;
  readonly settleMs?: number;
}

export type Agreement = 'agree' | 'diverged' | 'primary-only' | 'secondary-only';

export interface WindowTally {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly votes: number;
  readonly agreement: Agreement;
  /** Each region's total before any backfill; null when the region did not answer. */
  readonly primaryVotes: number | null;
  readonly secondaryVotes: number | null;
  /** Votes copied into each region from the other to make them agree. */
  readonly backfilled: { readonly primary: number; readonly secondary: number };
  /** Whether the regions disagreed beyond votes in flight, or one did not answer: raise `tally.diverged`. */
  readonly alert: boolean;
}

/**
 * Materialises every window marked since the last run. Each region recounts the marked windows
 * in one pass inside its own store (re-running a window replaces its counts, never adds to
 * them), and the regions are compared by each window's total and fingerprint. The running tally
 * and turnout are then copied from one region's kept counts to the record store, writing only
 * what changed. A window stays marked until both regions answered and agree, so a region that
 * was down is compared, backfilled and agrees on a later run.
 */
export async function materialiseTallies(deps: MaterialiseDeps, electionId: string): Promise<WindowTally[]> {
  const marks = await readMarks(deps.records, electionId);
  if (marks.size === 0) return [];
  const windowStarts = [...marks.keys()].sort((a, b) => a - b);

  const [primary, secondary] = await countBoth(deps, electionId, windowStarts);
  if (primary === null && secondary === null) return [];

  const done = windowStarts.map((windowStart, i) =>
    windowTallyOf(deps, windowStart, primary?.[i] ?? null, secondary?.[i] ?? null),
  );
  const diverged = done.filter((w) => w.agreement === 'diverged').map((w) => w.windowStart);
  if (diverged.length > 0) await backfillDiverged(deps, electionId, diverged, done);

  // The record store follows the primary's kept counts, or the secondary's while the primary is down.
  const source = primary !== null ? deps.primary : deps.secondary;
  await Promise.all([
    publishTotals(deps.records, electionId, await source.keptTotals(electionId)),
    publishTurnout(
      deps.records,
      electionId,
      windowStarts,
      await source.keptTurnout(electionId, windowStarts),
    ),
  ]);
  await clearAgreedMarks(deps.records, electionId, done, marks);
  return done;
}

/** The windows marked since the last run, each with the mark it carried when read. */
async function readMarks(records: RecordStore, electionId: string): Promise<Map<number, unknown>> {
  const marks = new Map<number, unknown>();
  for await (const mark of partitionRecords(records, 'tallies', recordKeys.dirtyPartition(electionId)))
    marks.set(Number(mark.windowStart), mark.mark);
  return marks;
}

/** Each region's counts of the windows, null for a region that did not answer. */
function countBoth(deps: MaterialiseDeps, electionId: string, windows: readonly number[]) {
  return Promise.all([
    deps.primary.materialise(electionId, windows, deps.tallyWindowMs).catch(() => null),
    deps.secondary.materialise(electionId, windows, deps.tallyWindowMs).catch(() => null),
  ]);
}

/**
 * Diverged windows: copies each region's missing votes into it, then counts those windows again
 * and updates their entries in `done`.
 */
async function backfillDiverged(
  deps: MaterialiseDeps,
  electionId: string,
  diverged: readonly number[],
  done: WindowTally[],
): Promise<void> {
  const backfilled = new Map<number, { primary: number; secondary: number }>();
  for (const windowStart of diverged) {
    try {
      backfilled.set(
        windowStart,
        await reconcileWindow(deps, electionId, windowStart, windowStart + deps.tallyWindowMs),
      );
    } catch {
      // A region that fails mid-copy is reconciled on the next run; the window stays marked.
    }
  }
  const [p2, s2] = await countBoth(deps, electionId, diverged);
  for (let i = 0; i < diverged.length; i++) {
    const at = done.findIndex((w) => w.windowStart === diverged[i]);
    const before = done[at]!;
    const again = windowTallyOf(deps, before.windowStart, p2?.[i] ?? null, s2?.[i] ?? null);
    done[at] = {
      ...before,
      votes: again.votes,
      agreement: again.agreement,
      backfilled: backfilled.get(before.windowStart) ?? before.backfilled,
    };
  }
}

/** Clears a window's mark only if no vote marked it again while this run counted it. */
async function clearAgreedMarks(
  records: RecordStore,
  electionId: string,
  done: readonly WindowTally[],
  marks: ReadonlyMap<number, unknown>,
): Promise<void> {
  await Promise.all(
    done
      .filter((w) => w.agreement === 'agree')
      .map(async (w) => {
        const key = recordKeys.dirtyWindow(electionId, w.windowStart);
        const current = await records.get('tallies', key);
        if (current?.mark === marks.get(w.windowStart)) await records.delete('tallies', key);
      }),
  );
}

function windowTallyOf(
  deps: MaterialiseDeps,
  windowStart: number,
  primary: WindowCount | null,
  secondary: WindowCount | null,
): WindowTally {
  const windowEnd = windowStart + deps.tallyWindowMs;
  const agreement: Agreement =
    primary === null
      ? 'secondary-only'
      : secondary === null
        ? 'primary-only'
        : primary.votes === secondary.votes && primary.fingerprint === secondary.fingerprint
          ? 'agree'
          : 'diverged';
  let alert = agreement !== 'agree';
  if (agreement === 'diverged') {
    // A young window may differ by the votes a recorder is still writing; that is no divergence.
    // Equal totals with different counts are never in-flight votes.
    const gap =
      primary!.votes === secondary!.votes
        ? Number.POSITIVE_INFINITY
        : Math.abs(primary!.votes - secondary!.votes);
    const young = deps.clock.now() < windowEnd + (deps.settleMs ?? 0);
    alert = !(young && gap <= (deps.inFlightToleranceVotes ?? 0));
  }
  return {
    windowStart,
    windowEnd,
    votes: (primary ?? secondary)!.votes,
    agreement,
    primaryVotes: primary?.votes ?? null,
    secondaryVotes: secondary?.votes ?? null,
    backfilled: { primary: 0, secondary: 0 },
    alert,
  };
}

/** Writes each constituency's running tally whose counts changed since the last run. */
async function publishTotals(
  records: RecordStore,
  electionId: string,
  rows: readonly TallyRow[],
): Promise<void> {
  const byConstituency = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const candidates = byConstituency.get(r.constituencyId) ?? {};
    candidates[r.candidateId] = r.votes;
    byConstituency.set(r.constituencyId, candidates);
  }
  const stored = new Map<string, string>();
  for await (const record of partitionRecords(records, 'tallies', recordKeys.tallyPartition(electionId)))
    stored.set(String(record.constituencyId), JSON.stringify(record.candidates));
  await Promise.all(
    [...byConstituency]
      .filter(([constituencyId, candidates]) => stored.get(constituencyId) !== JSON.stringify(candidates))
      .map(([constituencyId, candidates]) =>
        records.put('tallies', {
          ...recordKeys.tallyConstituency(electionId, constituencyId),
          constituencyId,
          candidates,
          votes: Object.values(candidates).reduce((sum, v) => sum + v, 0),
        }),
      ),
  );
}

/** Writes the turnout of each window counted in this run, per constituency. */
async function publishTurnout(
  records: RecordStore,
  electionId: string,
  windowStarts: readonly number[],
  rows: readonly WindowTurnout[],
): Promise<void> {
  const byWindow = new Map<number, Record<string, number>>(windowStarts.map((w) => [w, {}]));
  for (const r of rows) {
    const constituencies = byWindow.get(r.windowStart);
    if (constituencies !== undefined) constituencies[r.constituencyId] = r.votes;
  }
  await Promise.all(
    [...byWindow].map(([windowStart, constituencies]) =>
      records.put('tallies', {
        ...recordKeys.turnoutWindow(electionId, windowStart),
        windowStart,
        constituencies,
        votes: Object.values(constituencies).reduce((sum, v) => sum + v, 0),
      }),
    ),
  );
}

/**
 * Copies each vote one region holds and the other lacks into the other, by vote id; the stores
 * ignore a vote id they already hold, so a copy racing a recorder writes nothing twice.
 */
export async function reconcileWindow(
  deps: Pick<MaterialiseDeps, 'primary' | 'secondary'>,
  electionId: string,
  fromMs: number,
  toMs: number,
): Promise<{ primary: number; secondary: number }> {
  const [inPrimary, inSecondary] = await Promise.all([
    deps.primary.votesOf(electionId, { fromMs, toMs }),
    deps.secondary.votesOf(electionId, { fromMs, toMs }),
  ]);
  const primaryIds = new Set(inPrimary.map((v) => v.voteId));
  const secondaryIds = new Set(inSecondary.map((v) => v.voteId));
  const toSecondary = inPrimary.filter((v) => !secondaryIds.has(v.voteId));
  const toPrimary = inSecondary.filter((v) => !primaryIds.has(v.voteId));
  const [p, s] = await Promise.all([deps.primary.record(toPrimary), deps.secondary.record(toSecondary)]);
  return { primary: p.written, secondary: s.written };
}
