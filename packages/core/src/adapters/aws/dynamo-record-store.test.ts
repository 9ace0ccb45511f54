import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableName } from '../../ports/record-store';
import { tables } from '../../tables';
import { recordStoreContract } from '../../testing/record-store-contract';
import { conditionExpression, DynamoRecordStore } from './dynamo-record-store';

// dynalite is a DynamoDB-compatible server on LevelDB: the real adapter's requests, run for real.
let server: Server;
let client: DynamoDBClient;
const tableNames = Object.fromEntries(tables.map((t) => [t.name, `test-${t.name}`])) as Record<
  TableName,
  string
>;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  for (const table of tables) {
    await client.send(
      new CreateTableCommand({
        TableName: tableNames[table.name],
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  }
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

recordStoreContract(
  'DynamoDB adapter against dynalite',
  async () => new DynamoRecordStore({ client, tableNames }),
  // dynalite has no TransactWriteItems; the request's shape is checked below instead.
  { fencedWrites: false },
);

describe('a fenced DynamoDB write', () => {
  it('checks the fence record and writes in one TransactWriteItems, and reads a failed condition as not written', async () => {
    const mock = mockClient(DynamoDBClient);
    const store = new DynamoRecordStore({ client: new DynamoDBClient({}), tableNames });
    const fence = {
      table: 'voters' as const,
      key: { pk: 'owner#e-1', sk: 'verification' },
      condition: { kind: 'field-equals', field: 'writer', value: 'ap-south-1@3' } as const,
    };
    mock.on(TransactWriteItemsCommand).resolves({});
    expect(
      await store.putFenced('voters', { pk: 'voter#k', sk: 'election#e-1' }, { kind: 'absent' }, fence),
    ).toBe(true);
    const items = mock.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.ConditionCheck).toMatchObject({
      TableName: tableNames.voters,
      Key: { pk: { S: 'owner#e-1' }, sk: { S: 'verification' } },
      ConditionExpression: '#c = :c',
      ExpressionAttributeNames: { '#c': 'writer' },
      ExpressionAttributeValues: { ':c': { S: 'ap-south-1@3' } },
    });
    expect(items[1]!.Put).toMatchObject({
      TableName: tableNames.voters,
      ConditionExpression: 'attribute_not_exists(pk)',
    });

    mock.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    expect(
      await store.putFenced('voters', { pk: 'voter#k', sk: 'election#e-1' }, { kind: 'absent' }, fence),
    ).toBe(false);
    mock.on(TransactWriteItemsCommand).rejects(new Error('socket hang up'));
    await expect(
      store.putFenced('voters', { pk: 'voter#k', sk: 'election#e-1' }, { kind: 'absent' }, fence),
    ).rejects.toThrow('fenced write failed');
    mock.restore();
  });
});

describe('DynamoDB condition expressions', () => {
  it('states each write condition the way DynamoDB reads it', () => {
    expect(conditionExpression({ kind: 'absent' })).toEqual({
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(conditionExpression({ kind: 'field-equals', field: 'usedBy', value: 'v' })).toEqual({
      ConditionExpression: '#c = :c',
      ExpressionAttributeNames: { '#c': 'usedBy' },
      ExpressionAttributeValues: { ':c': 'v' },
    });
    expect(conditionExpression(undefined)).toEqual({});
  });
});
