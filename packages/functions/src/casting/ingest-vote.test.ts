import { generateKeyPairSync, sign } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { recordKeys, sha256 } from '@ballotstream/core';
import { type SignedVoteFields, voteSigningBytes } from '@ballotstream/events';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plannedLinks } from '../catalogue';
import { LINKS } from '../links';
import { buildAwsDeps } from '../shared/aws-deps';
import { installDeps, uninstallApp } from '../shared/deps';
import { type Trigger, triggers } from '../triggers';
import { handler } from './ingest-vote';

process.env.AWS_REGION = 'ap-south-1';
const dynamo = mockClient(DynamoDBClient);
const events = mockClient(EventBridgeClient);

const ingestTrigger = (triggers as readonly Trigger[]).find((t) => t.name === 'ingestVote')!;
const linkValues: Record<string, unknown> = {
  [LINKS.table('registry')]: { name: 'bs-registry' },
  [LINKS.table('ballots')]: { name: 'bs-ballots' },
  [LINKS.table('ledger')]: { name: 'bs-ledger' },
  [LINKS.table('fleet')]: { name: 'bs-fleet' },
  [LINKS.bus.primary]: { name: 'ballotstream-test', arn: 'arn:aws:events:ap-south-1:1:event-bus/b' },
};
// Exactly the links `stacks/` gives ingestVote's Lambda.
const ingestLinks = Object.fromEntries(plannedLinks(ingestTrigger).map((name) => [name, linkValues[name]]));

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const machine = {
  machineId: 'm-1',
  boothId: 'b-1',
  constituencyId: 'c-1',
  regionId: 'r-1',
  publicKey: publicKey.export({ format: 'jwk' }).x!,
  blocked: false,
};
const ballotToken = 'token-with-enough-entropy-0123456789';

function signedVote(): SignedVoteFields & { signature: string } {
  const fields: SignedVoteFields = {
    voteId: '0b7f4c1e-6f0c-4b8e-9a43-1b2c3d4e5f60',
    electionId: 'demo-2026',
    constituencyId: 'c-1',
    boothId: 'b-1',
    machineId: 'm-1',
    candidateId: 'cand-1',
    bucketStart: Date.now() - 60_000,
    ballotToken,
  };
  return { ...fields, signature: sign(null, voteSigningBytes(fields), privateKey).toString('base64url') };
}

function batchOf(vote: object) {
  const body = JSON.stringify({
    payload: Buffer.from(JSON.stringify(vote)).toString('base64'),
    topicMachineId: 'm-1',
    clientId: 'm-1',
    receivedAt: Date.now(),
  });
  return { Records: [{ messageId: 'msg-1', body }] };
}

describe('ingestVote in AWS, with only the links its trigger plans', () => {
  beforeEach(async () => {
    dynamo.reset();
    events.reset();
    const machineKey = recordKeys.machine('m-1');
    const candidateKey = recordKeys.registryEntity('candidate', 'cand-1');
    const tokenKey = recordKeys.ballotToken(sha256(ballotToken));
    dynamo.on(GetItemCommand).callsFake((input: { TableName: string; Key: Record<string, never> }) => {
      const key = unmarshall(input.Key);
      if (input.TableName === 'bs-registry' && key.pk === machineKey.pk) {
        return { Item: marshall({ ...machineKey, ...machine }) };
      }
      if (input.TableName === 'bs-registry' && key.pk === candidateKey.pk && key.sk === candidateKey.sk) {
        return { Item: marshall({ ...candidateKey, candidateId: 'cand-1', constituencyId: 'c-1' }) };
      }
      if (input.TableName === 'bs-ballots' && key.pk === tokenKey.pk) {
        const expiresAt = Date.now() + 10 * 60_000;
        return { Item: marshall({ ...tokenKey, electionId: 'demo-2026', machineId: 'm-1', expiresAt }) };
      }
      return {};
    });
    dynamo.on(UpdateItemCommand).resolves({});
    dynamo.on(PutItemCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    installDeps(await buildAwsDeps((name) => ingestLinks[name]));
  });
  afterEach(() => uninstallApp());

  it('plans the tables ingest reaches and the primary bus, and nothing else', () => {
    expect(Object.keys(ingestLinks).sort()).toEqual(Object.keys(linkValues).sort());
  });

  it('accepts a valid vote and publishes vote.accepted, touching no port it is not linked to', async () => {
    const answer = (await handler(batchOf(signedVote()), {} as Context)) as {
      batchItemFailures: unknown[];
    };
    expect(answer.batchItemFailures).toEqual([]);
    const entries = events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['vote.accepted']);
    expect(entries[0]!.EventBusName).toBe('ballotstream-test');
    // The vote's mark went to the ledger table its link names, its machine's last vote to the fleet's.
    const marks = dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input.TableName);
    expect(marks.sort()).toEqual(['bs-fleet', 'bs-ledger']);
  });
});
