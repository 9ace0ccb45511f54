import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import type { TallyRow, VoteStore } from '../../ports/vote-store';
import { recordKeys } from '../shared/keys';

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
 * Materialises every window marked since the last run. Re-running a window replaces its rows,
 * never adds to them. A window stays marked until both regions answered and agree, so a region
 * that was down is compared, backfilled and agrees on a later run.
 */
export async function materialiseTallies(deps: MaterialiseDeps, electionId: string): Promise<WindowTally[]> {
  const done: WindowTally[] = [];
  let after: string | undefined;
  do {
    const page = await deps.records.query('tallies', recordKeys.dirtyPartition(electionId), {
      limit: 100,
      ...(after === undefined ? {} : { after }),
    });
    for (const mark of page.records) {
      const windowStart = Number(mark.windowStart);
      const tally = await materialiseWindow(deps, electionId, windowStart);
      if (tally === undefined) continue;
      done.push(tally);
      if (tally.agreement !== 'agree') continue;
      // Clear the mark only if no vote marked the window again while this run counted it.
      const key = recordKeys.dirtyWindow(electionId, windowStart);
      const current = await deps.records.get('tallies', key);
      if (current?.mark === mark.mark) await deps.records.delete('tallies', key);
    }
    after = page.next;
  } while (after !== undefined);
  return done;
}

async function materialiseWindow(
  deps: MaterialiseDeps,
  electionId: string,
  windowStart: number,
): Promise<WindowTally | undefined> {
  const windowEnd = windowStart + deps.tallyWindowMs;
  const tallyBoth = () =>
    Promise.all([
      deps.primary.tally(electionId, windowStart, windowEnd).catch(() => null),
      deps.secondary.tally(electionId, windowStart, windowEnd).catch(() => null),
    ]);
  let [primary, secondary] = await tallyBoth();
  if (primary === null && secondary === null) return undefined;
  const primaryVotes = primary === null ? null : total(primary);
  const secondaryVotes = secondary === null ? null : total(secondary);
  let agreement = agreementOf(primary, secondary);
  let alert = agreement !== 'agree';
  let backfilled = { primary: 0, secondary: 0 };
  if (agreement === 'diverged') {
    // A young window may differ by the votes a recorder is still writing; that is no divergence.
    const young = deps.clock.now() < windowEnd + (deps.settleMs ?? 0);
    alert = !(young && gapOf(primary!, secondary!) <= (deps.inFlightToleranceVotes ?? 0));
    try {
      backfilled = await reconcileWindow(deps, electionId, windowStart, windowEnd);
      [primary, secondary] = await tallyBoth();
      agreement = agreementOf(primary, secondary);
    } catch {
      // A region that fails mid-copy is reconciled on the next run; the window stays marked.
    }
  }
  const rows = primary ?? secondary;
  if (rows === null) return undefined;

  const partition = recordKeys.tallyPartition(electionId);
  const prefix = recordKeys.tallyWindowPrefix(windowStart);
  const stale = await deps.records.query('tallies', partition, { skPrefix: prefix });
  const fresh = new Set(
    rows.map((r) => recordKeys.tallyRow(electionId, windowStart, r.constituencyId, r.candidateId).sk),
  );
  // The deletes and puts touch disjoint keys: issued together, the record store commits them in
  // a few transactions instead of one per row (a national window has thousands of rows).
  await Promise.all([
    ...stale.records
      .filter((old) => !fresh.has(old.sk))
      .map((old) => deps.records.delete('tallies', { pk: old.pk, sk: old.sk })),
    ...rows.map((row) =>
      deps.records.put('tallies', {
        ...recordKeys.tallyRow(electionId, windowStart, row.constituencyId, row.candidateId),
        windowStart,
        constituencyId: row.constituencyId,
        candidateId: row.candidateId,
        votes: row.votes,
      }),
    ),
  ]);
  return {
    windowStart,
    windowEnd,
    votes: total(rows),
    agreement,
    primaryVotes,
    secondaryVotes,
    backfilled,
    alert,
  };
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

function gapOf(primary: readonly TallyRow[], secondary: readonly TallyRow[]): number {
  const counts = new Map<string, number>();
  for (const r of primary) counts.set(`${r.constituencyId}#${r.candidateId}`, r.votes);
  for (const r of secondary) {
    const key = `${r.constituencyId}#${r.candidateId}`;
    counts.set(key, (counts.get(key) ?? 0) - r.votes);
  }
  let gap = 0;
  for (const d of counts.values()) gap += Math.abs(d);
  return gap;
}

function agreementOf(primary: readonly TallyRow[] | null, secondary: readonly TallyRow[] | null): Agreement {
  if (primary === null) return 'secondary-only';
  if (secondary === null) return 'primary-only';
  const key = (r: TallyRow) => `${r.constituencyId}#${r.candidateId}#${r.votes}`;
  const a = primary.map(key).sort().join('|');
  const b = secondary.map(key).sort().join('|');
  return a === b ? 'agree' : 'diverged';
}

function total(rows: readonly TallyRow[]): number {
  return rows.reduce((sum, r) => sum + r.votes, 0);
}
