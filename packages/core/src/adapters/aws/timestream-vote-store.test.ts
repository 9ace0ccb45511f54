import { QueryCommand, TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import {
  RejectedRecordsException,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import type { AcceptedVote } from '@ballotstream/events';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DependencyError } from '../../errors';
import {
  TimestreamVoteStore,
  tallyQueryOf,
  votesQueryOf,
  windowCountsQueryOf,
  writeRequestsOf,
} from './timestream-vote-store';

const write = mockClient(TimestreamWriteClient);
const query = mockClient(TimestreamQueryClient);
const bucket = Date.UTC(2026, 10, 27, 9, 30);

const vote = (i: number): AcceptedVote => ({
  voteId: `v-${i}`,
  electionId: 'e-1',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId: `k-${i % 3}`,
  bucketStart: bucket,
  receipt: 'should-not-be-stored',
});

const store = () =>
  new TimestreamVoteStore({
    region: 'secondary',
    write: new TimestreamWriteClient({ region: 'eu-west-1' }),
    query: new TimestreamQueryClient({ region: 'eu-west-1' }),
    database: 'ballotstream',
    table: 'votes',
  });

beforeEach(() => {
  write.reset();
  query.reset();
});

describe('the Timestream vote store', () => {
  it('writes at most 100 records per WriteRecords call, keyed by vote id at the bucket start with a fixed version', async () => {
    write.on(WriteRecordsCommand).resolves({});
    expect(await store().record(Array.from({ length: 250 }, (_, i) => vote(i)))).toEqual({
      written: 250,
      duplicates: 0,
    });
    const calls = write.commandCalls(WriteRecordsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Records?.length)).toEqual([100, 100, 50]);
    expect(calls[0]).toMatchObject({
      DatabaseName: 'ballotstream',
      TableName: 'votes',
      CommonAttributes: {
        MeasureName: 'vote',
        MeasureValue: '1',
        MeasureValueType: 'BIGINT',
        TimeUnit: 'MILLISECONDS',
        Version: 1,
      },
    });
    const first = calls[0]!.Records![0]!;
    expect(first.Time).toBe(String(bucket));
    expect(first.Dimensions?.map((d) => d.Name)).toEqual([
      'election_id',
      'constituency_id',
      'booth_id',
      'machine_id',
      'candidate_id',
      'vote_id',
    ]);
    expect(JSON.stringify(calls)).not.toContain('should-not-be-stored');
  });

  it('counts a record Timestream already holds at our version as a replay, not a failure', async () => {
    write.on(WriteRecordsCommand).rejects(
      new RejectedRecordsException({
        $metadata: {},
        message: 'rejected',
        RejectedRecords: [
          { RecordIndex: 1, Reason: 'A record with the same version already exists', ExistingVersion: 1 },
        ],
      }),
    );
    expect(await store().record([vote(1), vote(2), vote(3)])).toEqual({ written: 2, duplicates: 1 });
  });

  it('throws, naming each reason, when Timestream rejects records for another cause', async () => {
    write.on(WriteRecordsCommand).rejects(
      new RejectedRecordsException({
        $metadata: {},
        message: 'rejected',
        RejectedRecords: [
          {
            RecordIndex: 0,
            Reason: 'The record timestamp is outside the time range of the data ingestion window.',
          },
        ],
      }),
    );
    const failure = store().record([vote(1)]);
    await expect(failure).rejects.toThrow(DependencyError);
    await expect(failure).rejects.toThrow(/#0: The record timestamp is outside/);
  });

  it('follows NextToken to the last page of a tally', async () => {
    const row = (c: string, k: string, n: string) => ({
      Data: [{ ScalarValue: c }, { ScalarValue: k }, { ScalarValue: n }],
    });
    query
      .on(QueryCommand)
      .resolvesOnce({ Rows: [row('c-1', 'k-0', '4')], NextToken: 'page-2', ColumnInfo: [], QueryId: 'q' })
      .resolvesOnce({ Rows: [row('c-1', 'k-1', '7')], ColumnInfo: [], QueryId: 'q' });
    expect(await store().tally('e-1', bucket, bucket + 900_000)).toEqual([
      { constituencyId: 'c-1', candidateId: 'k-0', votes: 4 },
      { constituencyId: 'c-1', candidateId: 'k-1', votes: 7 },
    ]);
    const inputs = query.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 'page-2']);
    expect(inputs[0]!.QueryString).toBe(
      tallyQueryOf('ballotstream', 'votes', 'e-1', bucket, bucket + 900_000),
    );
  });

  it('materialises windows into the tally table with the run as the version, so a recount replaces', async () => {
    const w = bucket - (bucket % 900_000);
    const row = (window: number, c: string, k: string, n: string) => ({
      Data: [{ ScalarValue: String(window) }, { ScalarValue: c }, { ScalarValue: k }, { ScalarValue: n }],
    });
    query.on(QueryCommand).resolves({
      Rows: [row(w, 'c-1', 'k-0', '4'), row(w, 'c-1', 'k-1', '7'), row(w + 900_000, 'c-2', 'k-0', '1')],
      ColumnInfo: [],
      QueryId: 'q',
    });
    write.on(WriteRecordsCommand).resolves({});
    const counted = await store().materialise('e-1', [w, w + 900_000, w + 1_800_000], 900_000);
    expect(counted.map((c) => [c.windowStart, c.votes])).toEqual([
      [w, 11],
      [w + 900_000, 1],
      [w + 1_800_000, 0],
    ]);
    expect(query.commandCalls(QueryCommand)[0]!.args[0].input.QueryString).toBe(
      windowCountsQueryOf('ballotstream', 'votes', 'e-1', [w, w + 900_000, w + 1_800_000], 900_000),
    );
    const [written] = write.commandCalls(WriteRecordsCommand).map((c) => c.args[0].input);
    expect(written).toMatchObject({
      TableName: 'window_counts',
      CommonAttributes: { MeasureName: 'votes', MeasureValueType: 'BIGINT', TimeUnit: 'MILLISECONDS' },
    });
    expect(written!.CommonAttributes!.Version).toBeGreaterThan(1);
    expect(written!.Records).toHaveLength(3);
    expect(written!.Records![0]).toMatchObject({ Time: String(w), MeasureValue: '4' });
    // The same counts in another order give the same fingerprint; other counts another one.
    query.reset();
    query.on(QueryCommand).resolves({
      Rows: [row(w, 'c-1', 'k-1', '7'), row(w, 'c-1', 'k-0', '4')],
      ColumnInfo: [],
      QueryId: 'q',
    });
    const [same] = await store().materialise('e-1', [w], 900_000);
    expect(same?.fingerprint).toBe(counted[0]?.fingerprint);
    query.reset();
    query.on(QueryCommand).resolves({
      Rows: [row(w, 'c-1', 'k-1', '4'), row(w, 'c-1', 'k-0', '7')],
      ColumnInfo: [],
      QueryId: 'q',
    });
    const [swapped] = await store().materialise('e-1', [w], 900_000);
    expect(swapped?.votes).toBe(11);
    expect(swapped?.fingerprint).not.toBe(counted[0]?.fingerprint);
  });

  it('builds queries that quote names and values', () => {
    expect(tallyQueryOf('db', 'votes', "e'1", 0, 60_000)).toContain("election_id = 'e''1'");
    expect(votesQueryOf('db', 'votes', 'e-1', { machineId: 'm-1', fromMs: 0 })).toContain(
      "FROM \"db\".\"votes\" WHERE measure_name = 'vote' AND election_id = 'e-1' AND time >= from_milliseconds(0) AND machine_id = 'm-1'",
    );
    expect(writeRequestsOf('db', 'votes', [])).toEqual([]);
  });
});
