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
}

export type Agreement = 'agree' | 'diverged' | 'primary-only' | 'secondary-only';

export interface WindowTally {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly votes: number;
  readonly agreement: Agreement;
  readonly primaryVotes: number | null;
  readonly secondaryVotes: number | null;
}

/**
 * Materialises every window marked since the last run. Re-running a window replaces its rows,
 * never adds to them; a window whose stores both fail stays marked for the next run.
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
  const [primary, secondary] = await Promise.all([
    deps.primary.tally(electionId, windowStart, windowEnd).catch(() => null),
    deps.secondary.tally(electionId, windowStart, windowEnd).catch(() => null),
  ]);
  const rows = primary ?? secondary;
  if (rows === null) return undefined;

  const partition = recordKeys.tallyPartition(electionId);
  const prefix = recordKeys.tallyWindowPrefix(windowStart);
  const stale = await deps.records.query('tallies', partition, { skPrefix: prefix });
  const fresh = new Set(
    rows.map((r) => recordKeys.tallyRow(electionId, windowStart, r.constituencyId, r.candidateId).sk),
  );
  for (const old of stale.records) {
    if (!fresh.has(old.sk)) await deps.records.delete('tallies', { pk: old.pk, sk: old.sk });
  }
  for (const row of rows) {
    await deps.records.put('tallies', {
      ...recordKeys.tallyRow(electionId, windowStart, row.constituencyId, row.candidateId),
      windowStart,
      constituencyId: row.constituencyId,
      candidateId: row.candidateId,
      votes: row.votes,
    });
  }
  const primaryVotes = primary === null ? null : total(primary);
  const secondaryVotes = secondary === null ? null : total(secondary);
  return {
    windowStart,
    windowEnd,
    votes: total(rows),
    agreement: agreementOf(primary, secondary),
    primaryVotes,
    secondaryVotes,
  };
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
