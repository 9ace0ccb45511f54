import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
} from '@aws-sdk/client-rds-data';
import { ConfigError, mintTicket, readTicket } from '@ballotstream/core';
import { TimestreamVoteStore } from '@ballotstream/core/adapters/aws';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LINKS } from '../links';
import { buildAwsDeps, cacheUrlOf } from './aws-deps';

process.env.AWS_REGION = 'ap-south-1';
const dynamo = mockClient(DynamoDBClient);
const events = mockClient(EventBridgeClient);
const rds = mockClient(RDSDataClient);
const kms = mockClient(KMSClient);

const reader = (links: Record<string, unknown>) => (name: string) => links[name];

describe('the AWS dependencies of a Lambda', () => {
  beforeEach(() => {
    dynamo.reset();
    events.reset();
    rds.reset();
  });

  it('reads and writes the physical table its link names', async () => {
    dynamo.on(GetItemCommand).resolves({});
    const deps = await buildAwsDeps(
      reader({ [LINKS.table('tallies')]: { name: 'bs-prod-TalliesTable-abc' } }),
    );
    await deps.records.get('tallies', { pk: 'p', sk: 's' });
    expect(dynamo.commandCalls(GetItemCommand)[0]!.args[0].input.TableName).toBe('bs-prod-TalliesTable-abc');
  });

  it('refuses a table the trigger does not reach, naming the missing link', async () => {
    const deps = await buildAwsDeps(reader({ [LINKS.table('tallies')]: { name: 't' } }));
    const error = await deps.records.get('voters', { pk: 'p', sk: 's' }).catch((e: unknown) => e);
    // The record store reports a failed request; its cause names the link the trigger lacks.
    expect((error as Error).cause).toBeInstanceOf(ConfigError);
    expect(String((error as Error).cause)).toMatch(/not linked to VotersTableName/);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
  });

  it('publishes to the bus it is linked to', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    const deps = await buildAwsDeps(
      reader({ [LINKS.bus.primary]: { name: 'ballotstream-prod', arn: 'arn:x' } }),
    );
    await deps.publisher.publish([{ source: 's', detailType: 'd', detail: {} }]);
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries?.[0];
    expect(entry?.EventBusName).toBe('ballotstream-prod');
    // The bus's ARN names the region of origin, which the cross-region forwarding rules match on.
    expect(entry?.Resources).toEqual(['arn:x']);
  });

  it("builds each region's vote store of the kind its link names", async () => {
    // The PostgreSQL store starts its migration as it is built, at cold start.
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx' });
    rds.on(CommitTransactionCommand).resolves({});
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[]' });
    const deps = await buildAwsDeps(
      reader({
        [LINKS.voteStore.primary]: {
          kind: 'timestream',
          region: 'ap-south-1',
          database: 'db',
          table: 'votes',
          tallyTable: 'window_counts',
        },
        [LINKS.voteStore.secondary]: {
          kind: 'postgres-data-api',
          region: 'ap-south-2',
          clusterArn: 'arn:aws:rds:ap-south-2:1:cluster:c',
          secretArn: 'arn:aws:secretsmanager:ap-south-2:1:secret:s',
          database: 'ballotstream',
        },
      }),
    );
    expect(deps.voteStores.primary).toBeInstanceOf(TimestreamVoteStore);
    expect(deps.voteStores.secondary.region).toBe('secondary');
    expect(await deps.voteStores.secondary.tally('e-1', 0, 1)).toEqual([]);
    const sql = rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.resourceArn);
    expect(new Set(sql)).toEqual(new Set(['arn:aws:rds:ap-south-2:1:cluster:c']));
  });

  it('fails with a ConfigError for a malformed link', async () => {
    const error = await buildAwsDeps(reader({ [LINKS.cache]: { host: '' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(new RegExp(`link ${LINKS.cache} is malformed`));
  });

  it('builds only the ports a function is linked to; the others fail on use, naming their link', async () => {
    const deps = await buildAwsDeps(reader({ [LINKS.table('tallies')]: { name: 't' } }));
    // A copy of the deps reads no port (handlers used to spread them).
    const copy = { ...deps, ...deps.voteStores };
    expect(copy.records).toBe(deps.records);
    expect(() => deps.ticketKeys.currentKeyId).toThrow(ConfigError);
    expect(() => deps.ticketKeys.currentKeyId).toThrow(/TicketKey/);
    expect(() => deps.cache.ping()).toThrow(new RegExp(LINKS.cache));
    expect(() => deps.voteStores.secondary.region).toThrow(new RegExp(LINKS.voteStore.secondary));
    expect(() => deps.biometrics.match).toThrow(new RegExp(LINKS.biometricApi));
  });

  it('uses TLS for a cache link that asks for it, and only then', () => {
    expect(cacheUrlOf({ host: 'c.cache.amazonaws.com', port: 6379, tls: true })).toBe(
      'rediss://c.cache.amazonaws.com:6379',
    );
    expect(cacheUrlOf({ host: '127.0.0.1', port: 6379, tls: false })).toBe('redis://127.0.0.1:6379');
    // What SST links in `sst dev` for a local Redis: user `default`, an empty password.
    expect(cacheUrlOf({ host: '127.0.0.1', port: 6379, username: 'default', password: '', tls: false })).toBe(
      'redis://127.0.0.1:6379',
    );
    expect(cacheUrlOf({ host: 'h', port: 1, password: 'p/w', tls: true })).toBe('rediss://default:p%2Fw@h:1');
  });

  it('loads the linked KMS ticket key once, at cold start, and signs tickets with it', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const arn = 'arn:aws:kms:ap-south-1:111122223333:key/mrk-ticket';
    kms.reset();
    kms.on(GetPublicKeyCommand).resolves({
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyUsage: 'SIGN_VERIFY',
      PublicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
    });
    kms
      .on(SignCommand)
      .callsFake((input: { Message: Uint8Array }) => ({ Signature: sign(null, input.Message, privateKey) }));
    const deps = await buildAwsDeps(reader({ [LINKS.ticketKey]: { arn, id: 'mrk-ticket' } }));
    expect(kms.commandCalls(GetPublicKeyCommand)[0]!.args[0].input).toEqual({ KeyId: arn });
    const claims = { ticketId: 't1', electionId: 'e1', voterKey: 'v1', issuedAt: 1, expiresAt: 2 };
    const ticket = await mintTicket(deps.ticketKeys, claims);
    expect(readTicket(deps.ticketKeys, ticket)).toEqual({ ok: true, value: claims });
  });

  it.skipIf(process.env.REDIS_URL === undefined)(
    'speaks plain Redis to a cache link that does not ask for TLS (sst dev against a local Redis)',
    async () => {
      const redis = new URL(process.env.REDIS_URL!);
      const deps = await buildAwsDeps(
        reader({
          [LINKS.cache]: {
            host: redis.hostname,
            port: Number(redis.port || 6379),
            username: 'default',
            password: '',
            tls: false,
          },
        }),
      );
      try {
        expect(await deps.cache.ping()).toBe(true);
      } finally {
        await deps.cache.close();
      }
    },
  );

  it("reads SST's links from the environment when no reader is given", async () => {
    process.env.SST_RESOURCE_App = JSON.stringify({ name: 'ballotstream', stage: 'test' });
    process.env[`SST_RESOURCE_${LINKS.table('registry')}`] = JSON.stringify({ name: 'bs-test-Registry' });
    dynamo.on(GetItemCommand).resolves({});
    const deps = await buildAwsDeps();
    await deps.records.get('registry', { pk: 'p', sk: 's' });
    expect(dynamo.commandCalls(GetItemCommand)[0]!.args[0].input.TableName).toBe('bs-test-Registry');
  });
});
