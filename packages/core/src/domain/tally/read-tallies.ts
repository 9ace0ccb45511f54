import type { RecordKey, RecordStore, StoredRecord } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';
import { constituencyRecordSchema } from '../shared/registry';
import { readPollHours } from '../shared/registry-facts';

export interface TallyLine {
  readonly scope: string;
  readonly candidateId: string;
  readonly votes: number;
}

export interface TallyReport {
  readonly electionId: string;
  readonly level: 'constituency' | 'region' | 'country';
  readonly totalVotes: number;
  readonly lines: readonly TallyLine[];
}

/** Sums the materialised running tally to the level asked for; never reads the vote stores. */
export async function readTallies(
  records: RecordStore,
  electionId: string,
  level: 'constituency' | 'region' | 'country',
  filter: { constituencyId?: string; regionId?: string } = {},
): Promise<TallyReport> {
  const regionOf = new Map<string, string>();
  const sums = new Map<string, TallyLine>();
  let totalVotes = 0;
  const tallies =
    filter.constituencyId === undefined
      ? allRecords(records, recordKeys.tallyPartition(electionId))
      : oneRecord(records, recordKeys.tallyConstituency(electionId, filter.constituencyId));
  for await (const record of tallies) {
    const constituencyId = String(record.constituencyId);
    let regionId = regionOf.get(constituencyId);
    if (regionId === undefined && (level === 'region' || filter.regionId !== undefined)) {
      const found = await records.get('registry', recordKeys.constituency(constituencyId));
      regionId = found === undefined ? 'unknown' : constituencyRecordSchema.parse(found).regionId;
      regionOf.set(constituencyId, regionId);
    }
    if (filter.regionId !== undefined && regionId !== filter.regionId) continue;
    const scope = level === 'constituency' ? constituencyId : level === 'region' ? regionId! : 'country';
    for (const [candidateId, count] of Object.entries(record.candidates as Record<string, number>)) {
      const votes = Number(count);
      const key = `${scope}#${candidateId}`;
      const line = sums.get(key);
      sums.set(key, { scope, candidateId, votes: (line?.votes ?? 0) + votes });
      totalVotes += votes;
    }
  }
  const lines = [...sums.values()].sort((a, b) => a.scope.localeCompare(b.scope) || b.votes - a.votes);
  return { electionId, level, totalVotes, lines };
}

/** Every record of a partition of the tallies table, page by page. */
export function allRecords(records: RecordStore, partition: string): AsyncGenerator<StoredRecord> {
  return partitionRecords(records, 'tallies', partition);
}

async function* oneRecord(records: RecordStore, key: RecordKey): AsyncGenerator<StoredRecord> {
  const record = await records.get('tallies', key);
  if (record !== undefined) yield record;
}

/**
 * Why the public may not read results yet: the polls of the registered election are still open
 * and the election does not publish running results. Undefined when they may.
 */
export async function resultsNotYetPublic(
  records: RecordStore,
  electionId: string,
  now: number,
  publicRunningResults: boolean,
): Promise<string | undefined> {
  if (publicRunningResults) return undefined;
  const hours = await readPollHours(records, electionId);
  if (hours === undefined || now >= hours.closesAt) return undefined;
  return `results are published when polls close at ${new Date(hours.closesAt).toISOString()}; officers read running counts at GET /monitor/tallies`;
}
