import { readFile } from 'node:fs/promises';
import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { describeIssues } from '@ballotstream/events';
import pg from 'pg';
import { z } from 'zod';
import { ConfigError } from '../../errors';
import { pgPoolClient } from './pg-client';
import { PostgresVoteStore } from './postgres-vote-store';

/** The database user a connection signs in as. */
export interface PostgresCredentials {
  readonly username: string;
  readonly password: string;
}

/** What the adapter needs of a Secrets Manager client: `GetSecretValue`. A `SecretsManagerClient` fits. */
export interface SecretReader {
  send(command: GetSecretValueCommand): Promise<Pick<GetSecretValueCommandOutput, 'SecretString'>>;
}

/** A Secrets Manager client of a region, built (and the SDK loaded) on first use. */
export function secretsManagerIn(region: string): SecretReader {
  let client: Promise<SecretReader> | undefined;
  return {
    send: async (command) => {
      client ??= import('@aws-sdk/client-secrets-manager').then(
        ({ SecretsManagerClient }) => new SecretsManagerClient({ region }),
      );
      return (await client).send(command);
    },
  };
}

/** A cluster's master secret as SST's Aurora (and RDS) writes it. */
const credentialsSecretSchema = z.object({ username: z.string().min(1), password: z.string() });

/**
 * Reads a cluster's credentials from its Secrets Manager secret on first use and keeps them for
 * the life of the process (a Lambda container). The error names the secret, never its value.
 */
export function secretsManagerCredentials(
  client: SecretReader,
  secretArn: string,
): () => Promise<PostgresCredentials> {
  let reading: Promise<PostgresCredentials> | undefined;
  const read = async (): Promise<PostgresCredentials> => {
    // Imported here so that only a caller that reads a secret loads the SDK command.
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (SecretString === undefined) throw new ConfigError(`secret ${secretArn} has no SecretString`);
    let value: unknown;
    try {
      value = JSON.parse(SecretString);
    } catch {
      throw new ConfigError(`secret ${secretArn} is not JSON`);
    }
    const parsed = credentialsSecretSchema.safeParse(value);
    if (!parsed.success) {
      // Zod's wording names a field and what type it wanted, never the value: nothing secret is echoed.
      const fields = describeIssues(parsed.error, { whole: '(secret)' }).join('; ');
      throw new ConfigError(`secret ${secretArn} is not a { username, password } secret (${fields})`);
    }
    return parsed.data;
  };
  return () => {
    reading ??= read().catch((error: unknown) => {
      reading = undefined; // the next call tries again
      throw error;
    });
    return reading;
  };
}

export interface DirectVoteStoreOptions {
  readonly region: 'primary' | 'secondary';
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /**
   * `false` only for a server without TLS (local tests). In AWS the link names a CA bundle and
   * the server's certificate must verify against it (in Lambda, the runtime's Amazon CA bundle).
   */
  readonly tls: false | { readonly caFile: string };
  readonly credentials: () => Promise<PostgresCredentials>;
  /** The schema holding the store's tables. */
  readonly schema?: string;
  /** Connections per process: a Lambda handles one batch at a time, so one or two are plenty. */
  readonly maxConnections?: number;
}

async function sslOptions(tls: DirectVoteStoreOptions['tls']): Promise<pg.PoolConfig['ssl']> {
  if (tls === false) return false;
  let ca: string;
  try {
    ca = await readFile(tls.caFile, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the CA bundle ${tls.caFile} to verify the database's certificate`, {
      cause,
    });
  }
  return { ca, rejectUnauthorized: true };
}

/**
 * A region's vote store over a direct `pg` connection: for Lambdas in the cluster's VPC (or one
 * peered with it), where the RDS Data API is not offered (e.g. ap-south-2) or not chosen.
 * Credentials come from the cluster's secret, read once; the store migrates itself on open.
 */
export async function openDirectVoteStore(options: DirectVoteStoreOptions): Promise<PostgresVoteStore> {
  const ssl = await sslOptions(options.tls);
  const { username, password } = await options.credentials();
  const pool = new pg.Pool({
    host: options.host,
    port: options.port,
    database: options.database,
    user: username,
    password,
    ssl,
    max: options.maxConnections ?? 2,
    // A frozen Lambda's idle sockets are dropped by the server; do not hold them long.
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (the server closed it) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const client = pgPoolClient(pool);
  try {
    return await PostgresVoteStore.open({
      region: options.region,
      client,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      onClose: () => client.end(),
    });
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
