import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';
import { constituencyRecordSchema } from '../shared/registry';
import type { Agreement } from '../tally/materialise-tallies';
import { allRecords } from '../tally/read-tallies';

/** Votes counted in one tally window, and the running total up to its end. */
export interface TurnoutPoint {
  readonly windowStart: number;
  readonly votes: number;
  readonly cumulative: number;
}

/** One constituency's running total at the end of each window in which it had votes. */
export interface ConstituencyTurnout {
  readonly constituencyId: string;
  readonly points: readonly { readonly windowStart: number; readonly cumulative: number }[];
}

export interface TurnoutReport {
  readonly electionId: string;
  readonly regionId?: string;
  readonly totalVotes: number;
  readonly points: readonly TurnoutPoint[];
  /** The same over time per constituency of the scope, so turnout can be charted per constituency. */
  readonly constituencies: readonly ConstituencyTurnout[];
}

/**
 * Turnout over time from the materialised turnout records (never the vote stores), for the whole
 * country or one region.
 */
export async function readTurnout(
  records: RecordStore,
  electionId: string,
  regionId?: string,
): Promise<TurnoutReport> {
  const regionOf = new Map<string, string>();
  const perWindow = new Map<number, number>();
  const perConstituency = new Map<string, Map<number, number>>();
  for await (const record of allRecords(records, recordKeys.turnoutPartition(electionId))) {
    let votes = 0;
    for (const [constituencyId, count] of Object.entries(record.constituencies as Record<string, number>)) {
      if (regionId !== undefined) {
        let region = regionOf.get(constituencyId);
        if (region === undefined) {
          const found = await records.get('registry', recordKeys.constituency(constituencyId));
          region = found === undefined ? 'unknown' : constituencyRecordSchema.parse(found).regionId;
          regionOf.set(constituencyId, region);
        }
        if (region !== regionId) continue;
      }
      votes += Number(count);
      const windows = perConstituency.get(constituencyId) ?? new Map<number, number>();
      windows.set(Number(record.windowStart), Number(count));
      perConstituency.set(constituencyId, windows);
    }
    const windowStart = Number(record.windowStart);
    perWindow.set(windowStart, (perWindow.get(windowStart) ?? 0) + votes);
  }
  let cumulative = 0;
  const points = [...perWindow.entries()]
    .sort(([a], [b]) => a - b)
    .map(([windowStart, votes]) => {
      cumulative += votes;
      return { windowStart, votes, cumulative };
    });
  return {
    electionId,
    ...(regionId === undefined ? {} : { regionId }),
    totalVotes: cumulative,
    points,
    constituencies: runningTotals(perConstituency),
  };
}

/** Each constituency's votes per window as running totals, constituencies and windows in order. */
function runningTotals(
  perConstituency: ReadonlyMap<string, ReadonlyMap<number, number>>,
): ConstituencyTurnout[] {
  return [...perConstituency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([constituencyId, windows]) => {
      let cumulative = 0;
      const points = [...windows.entries()]
        .sort(([a], [b]) => a - b)
        .map(([windowStart, votes]) => {
          cumulative += votes;
          return { windowStart, cumulative };
        });
      return { constituencyId, points };
    });
}

/** What the last tally run found for one window: its votes and whether the two regions agreed. */
export interface WindowStatus {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly votes: number;
  readonly agreement: Agreement;
  readonly materialisedAt: string;
}

/** Keeps the latest agreement status of a window; a re-run of the window replaces it. */
export async function recordWindowStatus(
  records: RecordStore,
  electionId: string,
  status: WindowStatus,
): Promise<void> {
  await records.put('tallies', { ...recordKeys.windowStatus(electionId, status.windowStart), ...status });
}

/** The agreement status of every materialised window, oldest first. */
export async function readWindowStatuses(records: RecordStore, electionId: string): Promise<WindowStatus[]> {
  const statuses: WindowStatus[] = [];
  for await (const row of partitionRecords(
    records,
    'tallies',
    recordKeys.windowStatusPartition(electionId),
  )) {
    statuses.push({
      windowStart: Number(row.windowStart),
      windowEnd: Number(row.windowEnd),
      votes: Number(row.votes),
      agreement: row.agreement as Agreement,
      materialisedAt: String(row.materialisedAt),
    });
  }
  return statuses;
}
