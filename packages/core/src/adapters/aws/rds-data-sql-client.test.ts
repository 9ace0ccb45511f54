import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PostgresVoteStore } from '../postgres/postgres-vote-store';
import { namedStatementOf, RdsDataSqlClient } from './rds-data-sql-client';

const rds = mockClient(RDSDataClient);
const options = {
  client: new RDSDataClient({
    region: 'ap-south-2',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
  }),
  resourceArn: 'arn:aws:rds:ap-south-2:123456789012:cluster:votes',
  secretArn: 'arn:aws:secretsmanager:ap-south-2:123456789012:secret:votes',
  database: 'ballotstream',
};

describe('the RDS Data API SQL client', () => {
  beforeEach(() => rds.reset());

  it('turns positional placeholders into named parameters of the right type', () => {
    expect(namedStatementOf('SELECT $1, $2::bigint, $10', ['a', 42, 1.5, null, true])).toEqual({
      sql: 'SELECT :p1, :p2::bigint, :p10',
      parameters: [
        { name: 'p1', value: { stringValue: 'a' } },
        { name: 'p2', value: { longValue: 42 } },
        { name: 'p3', value: { doubleValue: 1.5 } },
        { name: 'p4', value: { isNull: true } },
        { name: 'p5', value: { booleanValue: true } },
      ],
    });
    expect(() => namedStatementOf('SELECT $1', [['array']])).toThrow(
      /\$1: the Data API cannot bind a object/,
    );
  });

  it('asks for JSON records and reads rows from them', async () => {
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[{"vote_id":"v1"}]' });
    const client = new RdsDataSqlClient(options);
    expect(await client.query('SELECT vote_id FROM votes WHERE election_id = $1', ['e-1'])).toEqual({
      rows: [{ vote_id: 'v1' }],
    });
    const input = rds.commandCalls(ExecuteStatementCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      ...{ resourceArn: options.resourceArn, secretArn: options.secretArn },
      formatRecordsAs: 'JSON',
    });
    expect(input.sql).toBe('SELECT vote_id FROM votes WHERE election_id = :p1');
  });

  it('runs a transaction on one transaction id and rolls back when the work fails', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
    rds.on(ExecuteStatementCommand).resolves({});
    rds.on(CommitTransactionCommand).resolves({});
    rds.on(RollbackTransactionCommand).resolves({});
    const client = new RdsDataSqlClient(options);
    await client.transaction(async (tx) => tx.query('DELETE FROM t'));
    expect(rds.commandCalls(ExecuteStatementCommand)[0]!.args[0].input.transactionId).toBe('tx-1');
    expect(rds.commandCalls(CommitTransactionCommand)).toHaveLength(1);
    await expect(
      client.transaction(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(rds.commandCalls(RollbackTransactionCommand)).toHaveLength(1);
  });

  it('carries the PostgreSQL vote store without array parameters', async () => {
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx-1' });
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[]' });
    const store = await PostgresVoteStore.open({
      region: 'secondary',
      client: new RdsDataSqlClient(options),
      rowsPerStatement: 100,
    });
    await store.record(
      Array.from({ length: 250 }, (_, i) => ({
        voteId: `v${i}`,
        electionId: 'e-1',
        constituencyId: 'c-1',
        boothId: 'b-1',
        machineId: 'm-1',
        candidateId: 'x',
        bucketStart: 1_790_000_000_000,
      })),
    );
    const inserts = rds
      .commandCalls(ExecuteStatementCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.sql?.includes('ON CONFLICT (vote_id)'));
    expect(inserts.map((i) => i.parameters?.length)).toEqual([700, 700, 350]);
  });
});
