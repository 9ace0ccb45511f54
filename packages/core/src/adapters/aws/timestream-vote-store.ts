import { QueryCommand, type Row, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  RejectedRecordsException,
  type TimestreamWriteClient,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';
import type { AcceptedVote } from '@ballotstream/events';
import { DependencyError } from '../../errors';
import type { RecordOutcome, TallyRow, VoteQuery, VoteStore } from '../../ports/vote-store';

/** WriteRecords takes at most 100 records per call. */
export const TIMESTREAM_BATCH = 100;

export interface TimestreamVoteStoreOptions {
  readonly region: 'primary' | 'secondary';
  readonly write: TimestreamWriteClient;
  readonly query: TimestreamQueryClient;
  readonly database: string;
  readonly table: string;
}

/**
 * One region's vote store in Amazon Timestream for LiveAnalytics (closed to new AWS customers
 * since 2025-06-20; accounts without it use the PostgreSQL vote store). Each vote is one record
 * whose dimensions include the vote id, at the bucket start, with a fixed `Version`: a replayed
 * vote is the identical record, which Timestream keeps once. Timestream shows no row order, so
 * the order of voters is never stored.
 */
export class TimestreamVoteStore implements VoteStore {
  readonly region: 'primary' | 'secondary';

  constructor(private readonly options: TimestreamVoteStoreOptions) {
    this.region = options.region;
  }

  async record(votes: readonly AcceptedVote[]): Promise<RecordOutcome> {
    let written = 0;
    let duplicates = 0;
    for (const input of writeRequestsOf(this.options.database, this.options.table, votes)) {
      const count = input.Records?.length ?? 0;
      try {
        await this.options.write.send(new WriteRecordsCommand(input));
        written += count;
      } catch (error) {
        if (!(error instanceof RejectedRecordsException)) {
          throw new DependencyError(`timestream (${this.region})`, 'WriteRecords failed', { cause: error });
        }
        // The other records of the batch were written; a record that exists with our version is a replay.
        const rejected = error.RejectedRecords ?? [];
        const replays = rejected.filter(
          (r) => r.ExistingVersion !== undefined && r.ExistingVersion >= VERSION,
        );
        const failed = rejected.filter((r) => !replays.includes(r));
        written += count - rejected.length;
        duplicates += replays.length;
        if (failed.length > 0) {
          const reasons = failed.map((r) => `#${r.RecordIndex}: ${r.Reason}`).join('; ');
          // Thrown so the bus retries and then dead-letters; the tally run backfills from the other region.
          throw new DependencyError(`timestream (${this.region})`, `records rejected: ${reasons}`, {
            cause: error,
          });
        }
      }
    }
    return { written, duplicates };
  }

  async tally(electionId: string, fromMs: number, toMs: number): Promise<readonly TallyRow[]> {
    const rows = await this.queryAll(
      tallyQueryOf(this.options.database, this.options.table, electionId, fromMs, toMs),
    );
    return rows.map((r) => ({
      constituencyId: scalar(r, 0),
      candidateId: scalar(r, 1),
      votes: Number(scalar(r, 2)),
    }));
  }

  async votesOf(electionId: string, query: VoteQuery): Promise<readonly AcceptedVote[]> {
    const rows = await this.queryAll(
      votesQueryOf(this.options.database, this.options.table, electionId, query),
    );
    return rows.map((r) => ({
      voteId: scalar(r, 0),
      electionId,
      constituencyId: scalar(r, 1),
      boothId: scalar(r, 2),
      machineId: scalar(r, 3),
      candidateId: scalar(r, 4),
      bucketStart: Number(scalar(r, 5)),
    }));
  }

  async concealOrder(): Promise<number> {
    return 0;
  }

  async close(): Promise<void> {
    this.options.write.destroy();
    this.options.query.destroy();
  }

  /** Runs a query to its last page, following NextToken. */
  private async queryAll(queryString: string): Promise<Row[]> {
    const rows: Row[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.query
        .send(
          new QueryCommand({
            QueryString: queryString,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        )
        .catch((error: unknown) => {
          throw new DependencyError(`timestream (${this.region})`, 'Query failed', { cause: error });
        });
      rows.push(...(page.Rows ?? []));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return rows;
  }
}

const VERSION = 1;

/** The WriteRecords requests for a set of votes: at most 100 records each, shared attributes factored out. */
export function writeRequestsOf(
  database: string,
  table: string,
  votes: readonly AcceptedVote[],
): WriteRecordsCommandInput[] {
  const requests: WriteRecordsCommandInput[] = [];
  for (let start = 0; start < votes.length; start += TIMESTREAM_BATCH) {
    const records: _Record[] = votes.slice(start, start + TIMESTREAM_BATCH).map((v) => ({
      Dimensions: [
        { Name: 'election_id', Value: v.electionId, DimensionValueType: 'VARCHAR' },
        { Name: 'constituency_id', Value: v.constituencyId, DimensionValueType: 'VARCHAR' },
        { Name: 'booth_id', Value: v.boothId, DimensionValueType: 'VARCHAR' },
        { Name: 'machine_id', Value: v.machineId, DimensionValueType: 'VARCHAR' },
        { Name: 'candidate_id', Value: v.candidateId, DimensionValueType: 'VARCHAR' },
        { Name: 'vote_id', Value: v.voteId, DimensionValueType: 'VARCHAR' },
      ],
      // Time is the bucket start, never the moment of the vote (ballot secrecy).
      Time: String(v.bucketStart),
    }));
    requests.push({
      DatabaseName: database,
      TableName: table,
      CommonAttributes: {
        MeasureName: 'vote',
        MeasureValue: '1',
        MeasureValueType: 'BIGINT',
        TimeUnit: 'MILLISECONDS',
        Version: VERSION,
      },
      Records: records,
    });
  }
  return requests;
}

/** The Timestream SQL counting votes per constituency and candidate over buckets in [fromMs, toMs). */
export function tallyQueryOf(
  database: string,
  table: string,
  electionId: string,
  fromMs: number,
  toMs: number,
): string {
  return [
    'SELECT constituency_id, candidate_id, count(*) AS votes',
    `FROM ${identifier(database)}.${identifier(table)}`,
    `WHERE measure_name = 'vote' AND election_id = ${literal(electionId)}`,
    `AND time >= from_milliseconds(${Math.trunc(fromMs)}) AND time < from_milliseconds(${Math.trunc(toMs)})`,
    'GROUP BY constituency_id, candidate_id ORDER BY constituency_id, candidate_id',
  ].join(' ');
}

/** The Timestream SQL reading stored votes of an election, narrowed as asked. */
export function votesQueryOf(database: string, table: string, electionId: string, query: VoteQuery): string {
  const where = [`measure_name = 'vote'`, `election_id = ${literal(electionId)}`];
  if (query.fromMs !== undefined) where.push(`time >= from_milliseconds(${Math.trunc(query.fromMs)})`);
  if (query.toMs !== undefined) where.push(`time < from_milliseconds(${Math.trunc(query.toMs)})`);
  if (query.machineId !== undefined) where.push(`machine_id = ${literal(query.machineId)}`);
  return [
    'SELECT vote_id, constituency_id, booth_id, machine_id, candidate_id, to_milliseconds(time) AS bucket_start',
    `FROM ${identifier(database)}.${identifier(table)}`,
    `WHERE ${where.join(' AND ')}`,
    'ORDER BY vote_id',
  ].join(' ');
}

function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function scalar(row: Row, index: number): string {
  return row.Data?.[index]?.ScalarValue ?? '';
}
