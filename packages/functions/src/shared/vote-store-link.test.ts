import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '@ballotstream/core';
import { openPgPool, pgPoolClient } from '@ballotstream/core/adapters/postgres/pg';
import { testServiceUrls } from '@ballotstream/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKS } from '../links';
import { buildAwsDeps } from './aws-deps';

process.env.AWS_REGION = 'ap-south-1';
const secrets = mockClient(SecretsManagerClient);
const reader = (links: Record<string, unknown>) => (name: string) => links[name];
const secretArn = 'arn:aws:secretsmanager:ap-south-2:123456789012:secret:bs-votes-secondary-AbCdEf';

// Runs when POSTGRES_URL is set (CI sets it when PostgreSQL answers).
const url = testServiceUrls().postgres;

describe('a vote store link of kind postgres (a direct connection from the VPC)', () => {
  it('is refused, naming the link, when it lacks the host', async () => {
    const building = buildAwsDeps(
      reader({ [LINKS.voteStore.secondary]: { kind: 'postgres', region: 'ap-south-2', secretArn } }),
    );
    await expect(building).rejects.toThrow(ConfigError);
    await expect(building).rejects.toThrow(/link VoteStoreSecondary is malformed/);
  });

  describe.skipIf(url === undefined)('against the real PostgreSQL', () => {
    const target = new URL(url ?? 'postgres://x@127.0.0.1:5432/test');
    const admin = url === undefined ? undefined : pgPoolClient(openPgPool(url, 1));
    // The store migrates into the public schema, as on a cluster of its own: a database of this run's own.
    const database = `bs_link_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

    beforeAll(async () => {
      await admin!.query(`CREATE DATABASE ${database}`);
    });

    afterAll(async () => {
      await admin!.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin!.end();
    });

    it("records and tallies through the cluster its link names, signing in with the link's secret", async () => {
      secrets.reset();
      secrets.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({
        SecretString: JSON.stringify({
          username: decodeURIComponent(target.username),
          password: decodeURIComponent(target.password),
        }),
      });
      const deps = await buildAwsDeps(
        reader({
          [LINKS.voteStore.secondary]: {
            kind: 'postgres',
            region: 'ap-south-2',
            host: target.hostname,
            port: Number(target.port || 5432),
            database,
            secretArn,
            tls: false,
          },
        }),
      );
      const electionId = `e-link-${randomUUID().slice(0, 8)}`;
      const bucketStart = Date.UTC(2026, 10, 27, 9, 30);
      const store = deps.voteStores.secondary;
      expect(store.region).toBe('secondary');
      const vote = {
        electionId,
        constituencyId: 'c-1',
        boothId: 'b-1',
        machineId: 'm-1',
        candidateId: 'x',
        bucketStart,
      };
      await store.record([
        { ...vote, voteId: randomUUID() },
        { ...vote, voteId: randomUUID() },
      ]);
      const rows = await store.tally(electionId, 0, Date.UTC(2027, 0, 1));
      expect(rows.reduce((n, r) => n + r.votes, 0)).toBe(2);
      expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([
        secretArn,
      ]);
      await store.close();
    });
  });
});
