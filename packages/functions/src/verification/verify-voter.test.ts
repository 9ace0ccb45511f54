import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GenerateMacCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Deps, plannedLinks } from '../catalogue';
import { LINKS } from '../links';
import { buildAwsDeps } from '../shared/aws-deps';
import { installDeps, uninstallApp } from '../shared/deps';
import { type Trigger, triggers } from '../triggers';
import { handler } from './verify-voter';

process.env.AWS_REGION = 'ap-south-1';
const dynamo = mockClient(DynamoDBClient);
const events = mockClient(EventBridgeClient);
const kms = mockClient(KMSClient);

const trigger = (triggers as readonly Trigger[]).find((t) => t.name === 'verifyVoter')!;
const linkValues: Record<string, unknown> = {
  [LINKS.table('tickets')]: { name: 'bs-tickets' },
  [LINKS.table('registry')]: { name: 'bs-registry' },
  [LINKS.table('ballots')]: { name: 'bs-ballots' },
  [LINKS.table('voters')]: { name: 'bs-voters' },
  [LINKS.bus.primary]: { name: 'ballotstream-test', arn: 'arn:aws:events:ap-south-1:1:event-bus/b' },
  // Never reached on a forged ticket; the local Redis, as `sst dev` links it.
  [LINKS.cache]: { host: '127.0.0.1', port: 6379, username: 'default', password: '', tls: false },
  [LINKS.ticketKey]: { arn: 'arn:aws:kms:ap-south-1:1:key/mrk-ticket' },
  [LINKS.pseudonymKey]: { arn: 'arn:aws:kms:ap-south-1:1:key/mrk-pseudonym' },
  // Never reached on a forged ticket.
  [LINKS.biometricApi]: {
    url: 'https://biometrics.example.gov/api',
    secretArn: 'arn:aws:secretsmanager:ap-south-1:123456789012:secret:bio-AbCdEf',
  },
};
const links = Object.fromEntries(plannedLinks(trigger).map((name) => [name, linkValues[name]]));

function request(body: unknown): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /verifications',
    rawPath: '/verifications',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {} as APIGatewayProxyEventV2['requestContext'],
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe('verifyVoter in AWS, with only the links its trigger plans', () => {
  let deps: Deps;
  beforeEach(async () => {
    dynamo.reset();
    events.reset();
    kms.reset();
    const { privateKey } = generateKeyPairSync('ed25519');
    kms.on(GetPublicKeyCommand).resolves({
      KeySpec: 'ECC_NIST_EDWARDS25519',
      KeyUsage: 'SIGN_VERIFY',
      PublicKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
    });
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(1) });
    dynamo.on(GetItemCommand).resolves({});
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    expect(Object.keys(links).sort()).toEqual(Object.keys(linkValues).sort());
    deps = await buildAwsDeps((name) => links[name]);
    installDeps(deps);
  });
  afterEach(async () => {
    uninstallApp();
    await deps?.cache.close();
  });

  it('refuses a forged ticket with 403 and publishes voter.rejected', async () => {
    const answer = (await handler(
      request({ ticket: 'BT1.nobody.e30.AAAA', fingerprint: 'AAAA', boothId: 'b-1', machineId: 'm-1' }),
      {} as Context,
    )) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(403);
    const entries = events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['voter.rejected']);
  });
});
