import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testServiceUrls } from '../../config';
import { voteStoreContract } from '../../testing/vote-store-contract';
import { openDirectVoteStore, type SecretReader, secretsManagerCredentials } from './direct';
import { openPgPool, pgPoolClient } from './pg-client';

// Runs when POSTGRES_URL is set (CI sets it when PostgreSQL answers); then it must answer, or the run fails.
const url = testServiceUrls().postgres;
const runId = `vsdirect_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const schemas: string[] = [];
const secretArn = 'arn:aws:secretsmanager:ap-south-2:123456789012:secret:bs-votes-secondary-AbCdEf';

/** A Secrets Manager stand-in holding one secret, as SST's Aurora writes it ({ username, password }). */
function secrets(secretString: string | undefined, calls: string[] = []): SecretReader {
  return {
    send: async (command) => {
      calls.push(command.input.SecretId ?? '');
      return { SecretString: secretString };
    },
  };
}

describe('credentials from Secrets Manager', () => {
  it('reads the username and password of the secret the link names, once', async () => {
    const calls: string[] = [];
    const read = secretsManagerCredentials(secrets('{"username":"u","password":"p w"}', calls), secretArn);
    expect(await read()).toEqual({ username: 'u', password: 'p w' });
    expect(await read()).toEqual({ username: 'u', password: 'p w' });
    expect(calls).toEqual([secretArn]);
  });

  it('names the secret, and never echoes its value, when it is not a username and password', async () => {
    const read = secretsManagerCredentials(secrets('{"user":"u","password":"hunter2"}'), secretArn);
    const error = (await read().then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(secretArn);
    expect(error.message).not.toContain('hunter2');
    await expect(secretsManagerCredentials(secrets(undefined), secretArn)()).rejects.toThrow(
      /has no SecretString/,
    );
  });
});

describe('TLS to the cluster', () => {
  it('refuses to connect without the CA bundle it was told to verify the server with', async () => {
    await expect(
      openDirectVoteStore({
        region: 'secondary',
        host: '127.0.0.1',
        port: 5432,
        database: 'test',
        tls: { caFile: '/nonexistent/ca-cert.pem' },
        credentials: async () => ({ username: 'postgres', password: '' }),
      }),
    ).rejects.toThrow(/\/nonexistent\/ca-cert\.pem/);
  });
});

describe.skipIf(url === undefined)('the vote store over a direct pg connection (VPC Lambdas)', () => {
  const target = new URL(url ?? 'postgres://x@127.0.0.1:5432/test');
  const admin = url === undefined ? undefined : pgPoolClient(openPgPool(url, 1));

  afterAll(async () => {
    for (const schema of schemas) await admin!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin!.end();
  });

  const open = (region: 'primary' | 'secondary') => {
    const schema = `${runId}_${schemas.length}`;
    schemas.push(schema);
    const secret = JSON.stringify({
      username: decodeURIComponent(target.username),
      password: decodeURIComponent(target.password),
    });
    return openDirectVoteStore({
      region,
      host: target.hostname,
      port: Number(target.port || 5432),
      database: target.pathname.slice(1),
      // The local server has no TLS; in Lambda the link names the runtime's Amazon CA bundle.
      tls: false,
      credentials: secretsManagerCredentials(secrets(secret), secretArn),
      schema,
    });
  };

  voteStoreContract('PostgreSQL over a direct connection', open);

  it('opens with credentials read from the secret, not from the link', async () => {
    const calls: string[] = [];
    const schema = `${runId}_creds`;
    schemas.push(schema);
    const store = await openDirectVoteStore({
      region: 'primary',
      host: target.hostname,
      port: Number(target.port || 5432),
      database: target.pathname.slice(1),
      tls: false,
      credentials: secretsManagerCredentials(
        secrets(JSON.stringify({ username: decodeURIComponent(target.username), password: '' }), calls),
        secretArn,
      ),
      schema,
    });
    const written = await store.record([
      {
        voteId: randomUUID(),
        electionId: 'e-direct',
        constituencyId: 'c-1',
        boothId: 'b-1',
        machineId: 'm-1',
        candidateId: 'x',
        bucketStart: Date.UTC(2026, 10, 27, 9, 30),
      },
    ]);
    expect(written.written).toBe(1);
    expect(calls).toEqual([secretArn]);
    await store.close();
  });
});
