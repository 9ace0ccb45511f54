import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IoTClient } from '@aws-sdk/client-iot';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { KMSClient } from '@aws-sdk/client-kms';
import { LocationClient } from '@aws-sdk/client-location';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { type Config, ConfigError, loadConfig } from '@ballotstream/core';
import {
  buildBiometricsClient,
  buildRegistryClient,
  CognitoStaffPool,
  DynamoRecordStore,
  EventBridgePublisher,
  externalApiLinkSchema,
  InlineSignatureChecker,
  IotBrokerProbe,
  IotMachineCertificates,
  IotMachineCommands,
  KmsElectionKey,
  LocationGeofenceCollection,
  LocationTracker,
  loadKmsPseudonyms,
  loadKmsTicketKeys,
  RdsDataSqlClient,
  SnsNotifier,
  TimestreamVoteStore,
} from '@ballotstream/core/adapters/aws';
import { PostgresVoteStore } from '@ballotstream/core/adapters/postgres';
import { connectRedis, RedisDetectorState, RedisVoterCache } from '@ballotstream/core/adapters/redis';
import { systemClock, type TableName, type VoteStore } from '@ballotstream/core/ports';
import { z } from 'zod';
import {
  ADAPTER_PORTS,
  type AdapterPort,
  type AdapterTable,
  buildPorts,
  type Deps,
  PORTS,
  portsReached,
} from '../catalogue';
import { LINKS } from '../links';
import type { Trigger } from '../triggers';

/** Reads one SST link by name; `undefined` when this function does not carry it. */
export type LinkReader = (name: string) => unknown;

const nameLink = z.object({ name: z.string().min(1) });
/** The trackers or the geofence collections of the location plan's shards, each by its name. */
const shardsLink = z.object({
  shards: z
    .array(
      z.object({
        regionId: z.string().min(1),
        part: z.number().int().nonnegative(),
        parts: z.number().int().positive(),
        name: z.string().min(1),
      }),
    )
    .min(1),
});
const busLink = z.object({ name: z.string().min(1), arn: z.string().min(1) });
const userPoolLink = z.object({ id: z.string().min(1), region: z.string().min(1) });
const voteStoreLink = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('timestream'),
    region: z.string(),
    database: z.string(),
    table: z.string(),
    tallyTable: z.string(),
  }),
  z.object({
    kind: z.literal('postgres'),
    region: z.string(),
    host: z.string().min(1),
    port: z.coerce.number().int().positive(),
    database: z.string().min(1),
    secretArn: z.string().min(1),
    tls: z.union([z.literal(false), z.object({ caFile: z.string().min(1) })]),
  }),
  z.object({
    kind: z.literal('postgres-data-api'),
    region: z.string(),
    clusterArn: z.string(),
    secretArn: z.string(),
    database: z.string(),
  }),
]);
const cacheLink = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().positive(),
  username: z.string().optional(),
  password: z.string().optional(),
  /** ElastiCache has TLS in transit on; the local Redis `sst dev` links to has not. */
  tls: z.boolean().default(false),
});
const topicLink = z.object({ arn: z.string().min(1) });
const endpointLink = z.object({ address: z.string().min(1) });
const kmsKeyLink = z.object({ arn: z.string().min(1) });

/** The Redis URL of a cache link: `rediss://` only when the link says the cache speaks TLS. */
export function cacheUrlOf(link: z.input<typeof cacheLink>): string {
  const redis = cacheLink.parse(link);
  // SST's dev link gives an empty password for a local Redis without one.
  const auth =
    redis.password === undefined || redis.password === ''
      ? ''
      : `${encodeURIComponent(redis.username ?? 'default')}:${encodeURIComponent(redis.password)}@`;
  return `${redis.tls ? 'rediss' : 'redis'}://${auth}${redis.host}:${redis.port}`;
}

/** What an AWS adapter is built from: the function's links and its settings. */
interface AwsContext {
  readonly config: Config;
  has(name: string): boolean;
  link<T>(name: string, schema: z.ZodType<T>, port: string): T;
}

/** A stand-in for a port the function does not reach: using it fails, naming what to declare. */
function unreached<T>(port: string, reason: string): T {
  return new Proxy({} as object, {
    // `then` stays undefined so that awaiting the stand-in is harmless; copying it (a spread of
    // the deps) reads none of its members.
    get: (_target, key) => {
      if (key === 'then' || typeof key === 'symbol') return undefined;
      throw new ConfigError(`${port}: ${reason}`);
    },
  }) as T;
}

function notLinked(port: string, links: readonly string[]): string {
  const what = links.length === 0 ? port : links.join(' or ');
  return `this function is not linked to ${what}; add it to the trigger's reaches`;
}

/** How each port's AWS adapter is built from its links: one entry per port of the catalogue. */
export const AWS_ADAPTERS: AdapterTable<AwsContext> = {
  clock: () => systemClock,
  signatures: () => new InlineSignatureChecker(),
  records: ({ link }) => {
    // A table the trigger does not reach fails on use, naming the link it lacks.
    const tableNames = new Proxy({} as Record<TableName, string>, {
      get: (_target, table: string) => link(LINKS.table(table as TableName), nameLink, `table ${table}`).name,
    });
    return new DynamoRecordStore({ client: new DynamoDBClient({}), tableNames });
  },
  publisher: ({ has, link }) => {
    const name = has(LINKS.bus.primary) ? LINKS.bus.primary : LINKS.bus.secondary;
    const bus = link(name, busLink, 'publisher');
    return new EventBridgePublisher({
      client: new EventBridgeClient({}),
      busName: bus.name,
      origin: bus.arn,
    });
  },
  voteStores: ({ has, link }) => {
    const open = (region: 'primary' | 'secondary'): VoteStore => {
      const name = LINKS.voteStore[region];
      const port = `vote store (${region})`;
      return has(name)
        ? openVoteStore(region, link(name, voteStoreLink, port))
        : unreached(port, notLinked(port, [name]));
    };
    return { primary: open('primary'), secondary: open('secondary') };
  },
  cache: ({ config, link }) =>
    new RedisVoterCache(connectRedis({ url: cacheUrlOf(link(LINKS.cache, cacheLink, 'voter cache')) }), {
      groups: config.voterCacheGroups,
    }),
  // Tickets verify synchronously, so the key's public half is fetched once, at cold start.
  ticketKeys: ({ link }) =>
    loadKmsTicketKeys({ signingKeyArn: link(LINKS.ticketKey, kmsKeyLink, 'ticket keys (KMS)').arn }),
  // Pseudonyms hash voter ids synchronously: the secret is derived from the HMAC key once, here.
  pseudonyms: ({ config, link }) =>
    loadKmsPseudonyms({
      client: new KMSClient({}),
      keyArn: link(LINKS.pseudonymKey, kmsKeyLink, 'voter pseudonyms (KMS HMAC)').arn,
      stage: config.stage,
    }),
  electionKey: ({ link }) =>
    new KmsElectionKey(new KMSClient({}), link(LINKS.electionKey, kmsKeyLink, 'election key (KMS)').arn),
  biometrics: ({ link }) =>
    buildBiometricsClient(link(LINKS.biometricApi, externalApiLinkSchema, 'biometric API')),
  voterRegistry: ({ link }) =>
    buildRegistryClient(link(LINKS.voterRegistryApi, externalApiLinkSchema, 'voter registry API')),
  notifier: ({ link }) =>
    new SnsNotifier(new SNSClient({}), link(LINKS.notifications, topicLink, 'notifier').arn),
  tracker: ({ link }) =>
    new LocationTracker(new LocationClient({}), link(LINKS.tracker, shardsLink, 'tracker').shards),
  // The watchers' windows live in the voter cache's Redis, keys under the stage.
  detectorState: ({ config, link }) =>
    new RedisDetectorState(
      connectRedis({ url: cacheUrlOf(link(LINKS.cache, cacheLink, 'detector state')) }),
      {
        prefix: `bs:${config.stage}:detector:`,
      },
    ),
  geofences: ({ link }) =>
    new LocationGeofenceCollection(
      new LocationClient({}),
      link(LINKS.geofences, shardsLink, 'booth geofences').shards,
    ),
  // The broker health check publishes through the same data endpoint as machine control.
  brokerProbe: ({ config, link }) => {
    const endpoint = link(LINKS.iotDataEndpoint, endpointLink, 'broker probe').address;
    return new IotBrokerProbe(new IoTDataPlaneClient({ endpoint: `https://${endpoint}` }), config.stage);
  },
  machineCertificates: () => new IotMachineCertificates(new IoTClient({})),
  // Each pool is reached in its own region, whichever region the function runs in.
  staffPools: ({ link }) => {
    const open = (region: 'primary' | 'secondary') => {
      const pool = link(LINKS.userPool[region], userPoolLink, `staff pool (${region})`);
      return new CognitoStaffPool(new CognitoIdentityProviderClient({ region: pool.region }), pool.id);
    };
    return { primary: open('primary'), secondary: open('secondary') };
  },
  machineCommands: ({ config, link }) => {
    const endpoint = link(LINKS.iotDataEndpoint, endpointLink, 'machine commands').address;
    return new IotMachineCommands(new IoTDataPlaneClient({ endpoint: `https://${endpoint}` }), config.stage);
  },
};

/**
 * Builds the AWS adapters of a Lambda from the links `stacks/` gave it, iterating over the port
 * catalogue: exactly the ports the function reaches are built (those of `trigger`, or without
 * one, those whose links it carries, as `plannedLinks` gave them), the others are stand-ins that
 * fail on use with a ConfigError naming the link. Nothing here throws on a spread of the result.
 */
export async function buildAwsDeps(read?: LinkReader, trigger?: Trigger): Promise<Deps> {
  const readLink = preferringSecondary(read ?? (await sstLinkReader()));
  const config = loadConfig();
  const has = (name: string) => readLink(name) !== undefined;
  const link = <T>(name: string, schema: z.ZodType<T>, port: string): T => {
    const value = readLink(name);
    if (value === undefined) throw new ConfigError(`${port}: ${notLinked(port, [name])}`);
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ConfigError(`${port}: link ${name} is malformed: ${parsed.error.message}`);
    return parsed.data;
  };
  const ports =
    trigger === undefined
      ? // A port no link serves (the clock, the signature checker, the external APIs) is always built.
        ADAPTER_PORTS.filter((port) => PORTS[port].linkNames.length === 0 || PORTS[port].linkNames.some(has))
      : portsReached(trigger);
  const built = await buildPorts(AWS_ADAPTERS, { config, has, link }, ports, (port: AdapterPort) =>
    unreached(port, notLinked(port, PORTS[port].linkNames)),
  );
  return { config, ...built };
}

function openVoteStore(region: 'primary' | 'secondary', store: z.infer<typeof voteStoreLink>): VoteStore {
  if (store.kind === 'timestream') {
    return new TimestreamVoteStore({
      region,
      write: new TimestreamWriteClient({ region: store.region }),
      query: new TimestreamQueryClient({ region: store.region }),
      database: store.database,
      table: store.table,
      tallyTable: store.tallyTable,
    });
  }
  // The first call waits for the (idempotent, advisory-locked) migration of this cold start.
  const opening: Promise<VoteStore> =
    store.kind === 'postgres'
      ? // A direct connection from inside the VPC (the default; the only way where the Data API is not offered).
        import('@ballotstream/core/adapters/postgres/direct').then(
          ({ openDirectVoteStore, secretsManagerCredentials, secretsManagerIn }) =>
            openDirectVoteStore({
              region,
              host: store.host,
              port: store.port,
              database: store.database,
              tls: store.tls,
              credentials: secretsManagerCredentials(secretsManagerIn(store.region), store.secretArn),
            }),
        )
      : PostgresVoteStore.open({
          region,
          client: new RdsDataSqlClient({
            client: new RDSDataClient({ region: store.region }),
            resourceArn: store.clusterArn,
            secretArn: store.secretArn,
            database: store.database,
          }),
          rowsPerStatement: 100,
        });
  // Handled here so a failed open is not an unhandled rejection; each call still sees the error.
  opening.catch(() => undefined);
  return {
    region,
    record: async (votes) => (await opening).record(votes),
    tally: async (electionId, fromMs, toMs) => (await opening).tally(electionId, fromMs, toMs),
    materialise: async (electionId, windowStarts, windowMs) =>
      (await opening).materialise(electionId, windowStarts, windowMs),
    keptTotals: async (electionId) => (await opening).keptTotals(electionId),
    keptTurnout: async (electionId, windowStarts) => (await opening).keptTurnout(electionId, windowStarts),
    votesOf: async (electionId, query) => (await opening).votesOf(electionId, query),
    concealOrder: async () => (await opening).concealOrder(),
    close: async () => (await opening).close(),
  };
}

/** Reads links the way SST's `Resource` does in Lambda (encrypted bundle data and `SST_RESOURCE_*`). */
async function sstLinkReader(): Promise<LinkReader> {
  const { Resource } = await import('sst/resource');
  const resources = Resource as unknown as Record<string, unknown>;
  const read = (name: string) => {
    try {
      return resources[name];
    } catch {
      return undefined;
    }
  };
  return read;
}

/**
 * A link reader that prefers the link a copy of a step in the secondary region carries under
 * `<name>InSecondary` (that region's own cache, replica keys, IoT endpoint) to the primary's.
 */
export function preferringSecondary(read: LinkReader): LinkReader {
  return (name) => read(LINKS.inSecondary(name)) ?? read(name);
}
