import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';
import { constituencyRecordSchema } from '../shared/registry';

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

/** Sums the materialised window rows to the level asked for; never reads the vote stores. */
export async function readTallies(
  records: RecordStore,
  electionId: string,
  level: 'constituency' | 'region' | 'country',
  filter: { constituencyId?: string; regionId?: string } = {},
): Promise<TallyReport> {
  const regionOf = new Map<string, string>();
  const sums = new Map<string, TallyLine>();
  let totalVotes = 0;
  let after: string | undefined;
  do {
    const page = await records.query('tallies', recordKeys.tallyPartition(electionId), {
      limit: 1000,
      ...(after === undefined ? {} : { after }),
    });
    for (const row of page.records) {
      const constituencyId = String(row.constituencyId);
      const candidateId = String(row.candidateId);
      const votes = Number(row.votes);
      if (filter.constituencyId !== undefined && constituencyId !== filter.constituencyId) continue;
      let regionId = regionOf.get(constituencyId);
      if (regionId === undefined && (level === 'region' || filter.regionId !== undefined)) {
        const record = await records.get('registry', recordKeys.constituency(constituencyId));
        regionId = record === undefined ? 'unknown' : constituencyRecordSchema.parse(record).regionId;
        regionOf.set(constituencyId, regionId);
      }
      if (filter.regionId !== undefined && regionId !== filter.regionId) continue;
      const scope = level === 'constituency' ? constituencyId : level === 'region' ? regionId! : 'country';
      const key = `${scope}#${candidateId}`;
      const line = sums.get(key);
      sums.set(key, { scope, candidateId, votes: (line?.votes ?? 0) + votes });
      totalVotes += votes;
    }
    after = page.next;
  } while (after !== undefined);
  const lines = [...sums.values()].sort((a, b) => a.scope.localeCompare(b.scope) || b.votes - a.votes);
  return { electionId, level, totalVotes, lines };
}
