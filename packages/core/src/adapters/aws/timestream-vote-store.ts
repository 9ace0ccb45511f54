import { QueryCommand, type Row, type TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  type _Record,
  RejectedRecordsException,
  type TimestreamWriteClient,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from '@aws-sdk/client-timestream-write';
import type { AcceptedVote } from '@ballotstream/events';
import { allItems } from '../../domain/shared/pages';
import { fingerprintOf } from '../../domain/tally/fingerprint';
import { DependencyError } from '../../errors';
import type {
  RecordOutcome,
  TallyRow,
  VoteQuery,
  VoteStore,
  WindowCount,
  WindowTurnout,
} from '../../ports/vote-store';

/** WriteRecords takes at most 100 records per call. */
export const TIMESTREAM_BATCH = 100;

export interface TimestreamVoteStoreOptions {
  readonly region: 'primary' | 'secondary';
  readonly write: TimestreamWriteClient;
  readonly query: TimestreamQueryClient;
  readonly database: string;
  readonly table: string;
  /** The table the materialised counts are kept in, beside the votes (default `window_counts`). */
  readonly tallyTable?: string;
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

  /**
   * Counts the windows with one query and writes the counts to the tally table, each record
   * keyed by window, constituency and candidate with the run's time as its version: Timestream
   * keeps the highest version of a record, so a recount replaces the earlier one.
   */
  async materialise(
    electionId: string,
    windowStarts: readonly number[],
    windowMs: number,
  ): Promise<readonly WindowCount[]> {
    if (windowStarts.length === 0) return [];
    const { database, table } = this.options;
    const rows = await this.queryAll(
      windowCountsQueryOf(database, table, electionId, windowStarts, windowMs),
    );
    const counts = rows.map((r) => ({
      windowStart: Number(scalar(r, 0)),
      constituencyId: scalar(r, 1),
      candidateId: scalar(r, 2),
      votes: Number(scalar(r, 3)),
    }));
    const version = Date.now();
    for (let start = 0; start < counts.length; start += TIMESTREAM_BATCH) {
      const records: _Record[] = counts.slice(start, start + TIMESTREAM_BATCH).map((c) => ({
        Dimensions: [
          { Name: 'election_id', Value: electionId, DimensionValueType: 'VARCHAR' },
          { Name: 'constituency_id', Value: c.constituencyId, DimensionValueType: 'VARCHAR' },
          { Name: 'candidate_id', Value: c.candidateId, DimensionValueType: 'VARCHAR' },
        ],
        Time: String(c.windowStart),
        MeasureValue: String(c.votes),
      }));
      await this.options.write
        .send(
          new WriteRecordsCommand({
            DatabaseName: database,
            TableName: this.tallyTable,
            CommonAttributes: {
              MeasureName: 'votes',
              MeasureValueType: 'BIGINT',
              TimeUnit: 'MILLISECONDS',
              Version: version,
            },
            Records: records,
          }),
        )
        .catch((error: unknown) => {
          throw new DependencyError(`timestream (${this.region})`, 'WriteRecords of tallies failed', {
            cause: error,
          });
        });
    }
    return windowStarts.map((windowStart) => {
      const mine = counts.filter((c) => c.windowStart === windowStart);
      return {
        windowStart,
        votes: mine.reduce((sum, c) => sum + c.votes, 0),
        fingerprint: fingerprintOf(mine),
      };
    });
  }

  async keptTotals(electionId: string): Promise<readonly TallyRow[]> {
    const rows = await this.queryAll(
      [
        'SELECT constituency_id, candidate_id, sum(measure_value::bigint) AS votes',
        `FROM ${identifier(this.options.database)}.${identifier(this.tallyTable)}`,
        `WHERE measure_name = 'votes' AND election_id = ${literal(electionId)}`,
        'GROUP BY constituency_id, candidate_id ORDER BY constituency_id, candidate_id',
      ].join(' '),
    );
    return rows.map((r) => ({
      constituencyId: scalar(r, 0),
      candidateId: scalar(r, 1),
      votes: Number(scalar(r, 2)),
    }));
  }

  async keptTurnout(electionId: string, windowStarts: readonly number[]): Promise<readonly WindowTurnout[]> {
    if (windowStarts.length === 0) return [];
    const rows = await this.queryAll(
      [
        'SELECT to_milliseconds(time) AS window_start, constituency_id, sum(measure_value::bigint) AS votes',
        `FROM ${identifier(this.options.database)}.${identifier(this.tallyTable)}`,
        `WHERE measure_name = 'votes' AND election_id = ${literal(electionId)}`,
        `AND to_milliseconds(time) IN (${windowStarts.map((w) => Math.trunc(w)).join(', ')})`,
        'GROUP BY to_milliseconds(time), constituency_id ORDER BY 1, 2',
      ].join(' '),
    );
    return rows.map((r) => ({
      windowStart: Number(scalar(r, 0)),
      constituencyId: scalar(r, 1),
      votes: Number(scalar(r, 2)),
    }));
  }

  private get tallyTable(): string {
    return this.options.tallyTable ?? 'window_counts';
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
    return allItems<Row>(async (nextToken) => {
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
      return { items: page.Rows ?? [], next: page.NextToken };
    });
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

/** The Timestream SQL counting votes per window, constituency and candidate for the windows given. */
export function windowCountsQueryOf(
  database: string,
  table: string,
  electionId: string,
  windowStarts: readonly number[],
  windowMs: number,
): string {
  const width = Math.trunc(windowMs);
  const windowOf = `to_milliseconds(time) - to_milliseconds(time) % ${width}`;
  return [
    `SELECT ${windowOf} AS window_start, constituency_id, candidate_id, count(*) AS votes`,
    `FROM ${identifier(database)}.${identifier(table)}`,
    `WHERE measure_name = 'vote' AND election_id = ${literal(electionId)}`,
    `AND time >= from_milliseconds(${Math.min(...windowStarts)})`,
    `AND time < from_milliseconds(${Math.max(...windowStarts) + width})`,
    `AND ${windowOf} IN (${windowStarts.map((w) => Math.trunc(w)).join(', ')})`,
    `GROUP BY ${windowOf}, constituency_id, candidate_id`,
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
