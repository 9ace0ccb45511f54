/**
 * The world the AWS harness runs Lambdas in: DynamoDB is dynalite with the stage's tables, the
 * cache is a real Redis, the vote stores are real PostgreSQL behind a stand-in for the RDS Data
 * API, and every other AWS API is answered by `aws-sdk-client-mock` (KMS with real crypto, so
 * tickets sign and verify). Every command sent is recorded for the IAM check.
 */
import { createHash, createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeCertificateCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { IoTDataPlaneClient, PublishCommand as IotPublishCommand } from '@aws-sdk/client-iot-data-plane';
import { GenerateMacCommand, GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import {
  BatchPutGeofenceCommand,
  BatchUpdateDevicePositionCommand,
  GetDevicePositionHistoryCommand,
  LocationClient,
} from '@aws-sdk/client-location';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient, PublishCommand as SnsPublishCommand } from '@aws-sdk/client-sns';
import {
  TimestreamQueryClient,
  QueryCommand as TimestreamQueryCommand,
} from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient, WriteRecordsCommand } from '@aws-sdk/client-timestream-write';
import { tables } from '@ballotstream/core';
import { type ExternalApisServer, startExternalApisServer } from '@ballotstream/core/testing';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import { Redis } from 'ioredis';
import pg from 'pg';
import { recordSdkCalls, type SdkCall } from './sdk-calls';

/** The mocked clients, for cases that look at what was sent. */
export const mocks = {
  events: mockClient(EventBridgeClient),
  sns: mockClient(SNSClient),
  geo: mockClient(LocationClient),
  iot: mockClient(IoTDataPlaneClient),
  iotControl: mockClient(IoTClient),
  kms: mockClient(KMSClient),
  rds: mockClient(RDSDataClient),
  timestreamWrite: mockClient(TimestreamWriteClient),
  timestreamQuery: mockClient(TimestreamQueryClient),
  secrets: mockClient(SecretsManagerClient),
  cognito: mockClient(CognitoIdentityProviderClient),
};

export interface AwsWorld {
  /** Clients of the test itself (seed, stand-ins): their commands are not the Lambda's. */
  readonly ignoredClients: WeakSet<object>;
  /** The Redis keys holding a voter's claim (by pseudonym). */
  cacheKeys(voterKey: string): Promise<string[]>;
  /** Removes the Redis keys of these voters (the link names no database to keep them apart). */
  forgetCacheKeys(voterKeys: readonly string[]): Promise<void>;
  /** Resolves once no recorded command is in flight, so work a handler left running is its own. */
  settled(): Promise<void>;
  /** Every SDK command sent since the last `calls.length = 0`. */
  readonly calls: SdkCall[];
  readonly redis: { readonly host: string; readonly port: number };
  /**
   * The national voter registry and the biometric API: a local server that follows their
   * contracts (docs/*-api.yaml), reached by the real HTTP adapters with the key Secrets Manager holds.
   */
  readonly externalApis: ExternalApisServer;
  /** The ticket key's private half, as KMS would hold it. */
  readonly ticketPrivateKey: ReturnType<typeof generateKeyPairSync>['privateKey'];
  close(): Promise<void>;
}

/** Starts dynalite with the tables of `tables.ts` under `prefix`, mocks the rest, records every call. */
export async function startAwsWorld(options: {
  readonly tablePrefix: string;
  readonly postgresUrl: string;
  readonly redisUrl: string;
}): Promise<AwsWorld> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Clients built inside the AWS wiring (`new DynamoDBClient({})`) find dynalite through the
  // SDK's service-specific endpoint variable; credentials are dynalite's, never real ones.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_ACCESS_KEY_ID = 'harness';
  process.env.AWS_SECRET_ACCESS_KEY = 'harness';
  delete process.env.AWS_PROFILE;
  const admin = new DynamoDBClient({ endpoint, region: 'ap-south-1' });
  // As `stacks/tables.ts` creates them: string `pk` and `sk`, no secondary index.
  for (const table of tables) {
    await admin.send(
      new CreateTableCommand({
        TableName: `${options.tablePrefix}${table.name}`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: table.partitionKey, AttributeType: 'S' },
          { AttributeName: table.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: table.partitionKey, KeyType: 'HASH' },
          { AttributeName: table.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  }
  admin.destroy();

  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // The election key (`key/election` in the example ARNs) is P-256 and signs ECDSA_SHA_256 in
  // DER, as KMS does; every other signing key is the Ed25519 ticket key.
  const election = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const isElectionKey = (keyId: string | undefined) => keyId?.endsWith(':key/election') === true;
  const macSecret = Buffer.from(randomUUID());
  mocks.kms.on(GetPublicKeyCommand).callsFake((input: { KeyId?: string }) =>
    isElectionKey(input.KeyId)
      ? {
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          PublicKey: new Uint8Array(election.publicKey.export({ type: 'spki', format: 'der' })),
        }
      : {
          KeySpec: 'ECC_NIST_EDWARDS25519',
          KeyUsage: 'SIGN_VERIFY',
          PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
        },
  );
  mocks.kms.on(SignCommand).callsFake((input: { KeyId?: string; Message: Uint8Array }) => ({
    Signature: new Uint8Array(
      isElectionKey(input.KeyId)
        ? sign('sha256', Buffer.from(input.Message), { key: election.privateKey, dsaEncoding: 'der' })
        : sign(null, Buffer.from(input.Message), privateKey),
    ),
  }));
  mocks.kms.on(GenerateMacCommand).callsFake((input: { Message: Uint8Array }) => ({
    Mac: new Uint8Array(createHmac('sha256', macSecret).update(input.Message).digest()),
  }));
  mocks.events.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: (input.Entries ?? []).map(() => ({ EventId: randomUUID() })),
  }));
  mocks.sns.on(SnsPublishCommand).callsFake(() => ({ MessageId: randomUUID() }));
  // Two staff pools as Cognito answers: an officer in the primary's, nobody yet in the secondary's.
  const officer = {
    Username: 'p-1',
    Enabled: true,
    UserStatus: 'CONFIRMED' as const,
    Attributes: [{ Name: 'email', Value: 'olu@example.gov' }],
  };
  mocks.cognito.on(ListUsersCommand).callsFake((input: { UserPoolId: string }) => ({
    Users: input.UserPoolId.startsWith('ap-south-1') ? [officer] : [],
  }));
  mocks.cognito
    .on(ListGroupsCommand)
    .resolves({ Groups: [{ GroupName: 'officer' }, { GroupName: 'region-north' }] });
  mocks.cognito.on(ListUsersInGroupCommand).callsFake((input: { UserPoolId: string }) => ({
    Users: input.UserPoolId.startsWith('ap-south-1') ? [officer] : [],
  }));
  mocks.cognito.on(AdminCreateUserCommand).resolves({});
  mocks.cognito.on(AdminAddUserToGroupCommand).resolves({});
  mocks.geo.on(BatchUpdateDevicePositionCommand).resolves({ Errors: [] });
  mocks.geo.on(BatchPutGeofenceCommand).resolves({ Errors: [], Successes: [] });
  mocks.geo.on(GetDevicePositionHistoryCommand).resolves({ DevicePositions: [] });
  mocks.iot.on(IotPublishCommand).resolves({});
  // Each machine thing holds one certificate, named by the machine; its status is kept here.
  const certificateStatus = new Map<string, string>();
  const certificateOf = (machineId: string) => createHash('sha256').update(machineId).digest('hex');
  mocks.iotControl.on(ListThingPrincipalsCommand).callsFake((input: { thingName: string }) => ({
    principals: [`arn:aws:iot:ap-south-1:123456789012:cert/${certificateOf(input.thingName)}`],
  }));
  mocks.iotControl.on(DescribeCertificateCommand).callsFake((input: { certificateId: string }) => ({
    certificateDescription: {
      certificateId: input.certificateId,
      status: certificateStatus.get(input.certificateId) ?? 'ACTIVE',
    },
  }));
  mocks.iotControl
    .on(UpdateCertificateCommand)
    .callsFake((input: { certificateId: string; newStatus: string }) => {
      certificateStatus.set(input.certificateId, input.newStatus);
      return {};
    });
  // Timestream answers as an empty store would: writes taken, queries with no rows.
  mocks.timestreamWrite.on(WriteRecordsCommand).callsFake((input: { Records?: unknown[] }) => ({
    RecordsIngested: { Total: input.Records?.length ?? 0 },
  }));
  mocks.timestreamQuery.on(TimestreamQueryCommand).resolves({ Rows: [], ColumnInfo: [], QueryId: 'q' });
  const externalApis = await startExternalApisServer();
  mocks.secrets.on(GetSecretValueCommand).resolves({ SecretString: externalApis.apiKey });
  const dataApi = await rdsDataOverPostgres(options.postgresUrl);

  const calls: SdkCall[] = [];
  const ignoredClients = new WeakSet<object>();
  const inFlight = new Set<Promise<unknown>>();
  // dynalite has no transactions: the fenced voter-status write (a ConditionCheck on the
  // ownership record and a conditional Put) runs here as the two steps, one after the other.
  const undoTransactions = emulateTransactWrites();
  const stopRecording = recordSdkCalls(calls, ignoredClients, inFlight);
  const redis = new URL(options.redisUrl);
  return {
    calls,
    ignoredClients,
    externalApis,
    cacheKeys: (voterKey) => scanKeys(options.redisUrl, `*${voterKey}*`),
    async forgetCacheKeys(voterKeys) {
      const redis = new Redis(options.redisUrl);
      try {
        for (const voterKey of voterKeys) {
          const keys = await scanKeys(options.redisUrl, `*${voterKey}*`);
          if (keys.length > 0) await redis.del(...keys);
        }
      } finally {
        redis.disconnect();
      }
    },
    async settled() {
      // A send that finishes may start another (a migration's next statement, a transaction's
      // commit after a pooled client is handed back): wait until none is left for a few turns.
      for (let quiet = 0; quiet < 5; ) {
        if (inFlight.size > 0) {
          quiet = 0;
          await Promise.allSettled([...inFlight]);
        } else {
          quiet++;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    },
    redis: { host: redis.hostname, port: Number(redis.port || 6379) },
    ticketPrivateKey: privateKey,
    async close() {
      stopRecording();
      undoTransactions();
      for (const mock of Object.values(mocks)) mock.reset();
      await dataApi.close();
      await externalApis.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function scanKeys(url: string, pattern: string): Promise<string[]> {
  const redis = new Redis(url);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

/**
 * Answers the RDS Data API from a real PostgreSQL: each cluster ARN gets a database of its own
 * (created for this run and dropped after), `:pN` parameters are bound as `$N`, transactions
 * hold a connection from BeginTransaction to Commit or Rollback, and rows come back as the
 * API's JSON records.
 */
async function rdsDataOverPostgres(url: string): Promise<{ close(): Promise<void> }> {
  const run = `bs_aws_harness_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const pools = new Map<string, { pool: pg.Pool; database: string }>();
  const poolOf = async (clusterArn: string) => {
    let entry = pools.get(clusterArn);
    if (entry === undefined) {
      const database = `${run}_${pools.size}`;
      await admin.query(`CREATE DATABASE ${database}`);
      const target = new URL(url);
      target.pathname = `/${database}`;
      const pool = new pg.Pool({
        connectionString: target.href,
        max: 4,
        // The Data API answers BIGINT as a JSON number.
        types: {
          getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)),
        },
      });
      entry = { pool, database };
      pools.set(clusterArn, entry);
    }
    return entry.pool;
  };
  const transactions = new Map<string, pg.PoolClient>();
  const boundValue = (p: SqlParameter): unknown => {
    const v = p.value;
    if (v === undefined || v.isNull) return null;
    return v.stringValue ?? v.longValue ?? v.doubleValue ?? v.booleanValue ?? null;
  };
  mocks.rds.on(BeginTransactionCommand).callsFake(async (input: { resourceArn: string }) => {
    const client = await (await poolOf(input.resourceArn)).connect();
    await client.query('BEGIN');
    const transactionId = randomUUID();
    transactions.set(transactionId, client);
    return { transactionId };
  });
  const finish = (verb: 'COMMIT' | 'ROLLBACK') => async (input: { transactionId: string }) => {
    const client = transactions.get(input.transactionId);
    if (client === undefined) throw new Error(`unknown transaction ${input.transactionId}`);
    transactions.delete(input.transactionId);
    try {
      await client.query(verb);
    } finally {
      client.release();
    }
    return { transactionStatus: verb === 'COMMIT' ? 'Transaction Committed' : 'Rollback Complete' };
  };
  mocks.rds.on(CommitTransactionCommand).callsFake(finish('COMMIT'));
  mocks.rds.on(RollbackTransactionCommand).callsFake(finish('ROLLBACK'));
  mocks.rds
    .on(ExecuteStatementCommand)
    .callsFake(
      async (input: {
        resourceArn: string;
        sql: string;
        parameters?: SqlParameter[];
        transactionId?: string;
      }) => {
        const byName = new Map((input.parameters ?? []).map((p) => [p.name, boundValue(p)]));
        const values: unknown[] = [];
        const text = input.sql.replace(/(?<!:):p(\d+)/g, (_, n: string) => {
          values.push(byName.get(`p${n}`));
          return `$${values.length}`;
        });
        const runner =
          input.transactionId === undefined
            ? await poolOf(input.resourceArn)
            : transactions.get(input.transactionId);
        if (runner === undefined) throw new Error(`unknown transaction ${input.transactionId}`);
        const result = await runner.query(text, values);
        return {
          formattedRecords: JSON.stringify(result.rows ?? []),
          numberOfRecordsUpdated: result.rowCount ?? 0,
        };
      },
    );
  return {
    async close() {
      for (const client of transactions.values()) client.release();
      for (const { pool, database } of pools.values()) {
        await pool.end();
        await admin.query(`DROP DATABASE IF EXISTS ${database}`);
      }
      await admin.end();
    },
  };
}

type Send = (command: unknown, ...rest: unknown[]) => Promise<unknown>;
type AttributeMap = Record<string, Record<string, unknown>>;
interface ConditionParts {
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues?: AttributeMap;
}

/** Whether an item meets one of the four condition expressions the record store writes. */
function meets(item: AttributeMap | undefined, parts: ConditionParts): boolean {
  const expression = parts.ConditionExpression;
  const field = parts.ExpressionAttributeNames?.['#c'];
  if (expression === undefined) return true;
  if (expression === 'attribute_not_exists(pk)') return item === undefined;
  if (expression === 'attribute_exists(pk)') return item !== undefined;
  if (expression === 'attribute_not_exists(#c)') return item?.[field!] === undefined;
  if (expression === '#c = :c')
    return JSON.stringify(item?.[field!]) === JSON.stringify(parts.ExpressionAttributeValues?.[':c']);
  throw new Error(`the harness cannot evaluate the condition ${expression}`);
}

function cancelled(codes: readonly string[]): Error {
  return Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

/** Runs TransactWriteItems of ConditionChecks and Puts against dynalite, which lacks them. */
function emulateTransactWrites(): () => void {
  const proto = DynamoDBClient.prototype as unknown as { send: Send };
  const own = Object.hasOwn(proto, 'send');
  const original = proto.send;
  proto.send = async function (this: unknown, command, ...rest) {
    if (!(command instanceof TransactWriteItemsCommand)) return original.call(this, command, ...rest);
    const items = command.input.TransactItems ?? [];
    for (const [i, item] of items.entries()) {
      const check = item.ConditionCheck;
      if (check !== undefined) {
        const found = (await original.call(
          this,
          new GetItemCommand({ TableName: check.TableName, Key: check.Key, ConsistentRead: true }),
        )) as { Item?: AttributeMap };
        if (!meets(found.Item, check as ConditionParts))
          throw cancelled(items.map((_, j) => (j === i ? 'ConditionalCheckFailed' : 'None')));
        continue;
      }
      if (item.Put === undefined) throw new Error('the harness emulates ConditionCheck and Put only');
      try {
        await original.call(this, new PutItemCommand(item.Put), ...rest);
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        throw cancelled(items.map((_, j) => (j === i ? 'ConditionalCheckFailed' : 'None')));
      }
    }
    return {};
  };
  return () => {
    if (own) proto.send = original;
    else delete (proto as { send?: Send }).send;
  };
}
