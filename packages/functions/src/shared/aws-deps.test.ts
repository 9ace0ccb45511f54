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
import { buildAwsDeps } from './aws-deps';

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
    expect(events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries?.[0]?.EventBusName).toBe(
      'ballotstream-prod',
    );
  });

  it("builds each region's vote store of the kind its link names", async () => {
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
    rds.on(BeginTransactionCommand).resolves({ transactionId: 'tx' });
    rds.on(CommitTransactionCommand).resolves({});
    rds.on(ExecuteStatementCommand).resolves({ formattedRecords: '[]' });
    expect(deps.voteStores.secondary.region).toBe('secondary');
    expect(await deps.voteStores.secondary.tally('e-1', 0, 1)).toEqual([]);
    const sql = rds.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.resourceArn);
    expect(new Set(sql)).toEqual(new Set(['arn:aws:rds:ap-south-2:1:cluster:c']));
  });

  it('fails with a ConfigError for ports no AWS adapter serves yet, and for a malformed link', async () => {
    const deps = await buildAwsDeps(reader({ [LINKS.cache]: { host: '' } }));
    expect(() => deps.ticketKeys).toThrow(ConfigError);
    expect(() => deps.biometrics).toThrow(/no AWS adapter/);
    expect(() => deps.cache).toThrow(/link VoterCache is malformed/);
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

  it("reads SST's links from the environment when no reader is given", async () => {
    process.env.SST_RESOURCE_App = JSON.stringify({ name: 'ballotstream', stage: 'test' });
    process.env[`SST_RESOURCE_${LINKS.table('registry')}`] = JSON.stringify({ name: 'bs-test-Registry' });
    dynamo.on(GetItemCommand).resolves({});
    const deps = await buildAwsDeps();
    await deps.records.get('registry', { pk: 'p', sk: 's' });
    expect(dynamo.commandCalls(GetItemCommand)[0]!.args[0].input.TableName).toBe('bs-test-Registry');
  });
});
