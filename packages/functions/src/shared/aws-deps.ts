import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { KMSClient } from '@aws-sdk/client-kms';
import { LocationClient } from '@aws-sdk/client-location';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SNSClient } from '@aws-sdk/client-sns';
import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { ConfigError, loadConfig } from '@ballotstream/core';
import {
  DynamoRecordStore,
  EventBridgePublisher,
  InlineSignatureChecker,
  IotBrokerProbe,
  IotMachineCommands,
  LocationTracker,
  loadKmsPseudonyms,
  loadKmsTicketKeys,
  RdsDataSqlClient,
  SnsNotifier,
  TimestreamVoteStore,
} from '@ballotstream/core/adapters/aws';
import { PostgresVoteStore } from '@ballotstream/core/adapters/postgres';
import { connectRedis, RedisVoterCache } from '@ballotstream/core/adapters/redis';
import { systemClock, type TableName, type VoteStore } from '@ballotstream/core/ports';
import { z } from 'zod';
import { LINKS } from '../links';
import type { Deps } from './deps';

/** Reads one SST link by name; `undefined` when this function does not carry it. */
export type LinkReader = (name: string) => unknown;

const nameLink = z.object({ name: z.string().min(1) });
const busLink = z.object({ name: z.string().min(1), arn: z.string().min(1) });
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
    clusterArn: z.string(),
    secretArn: z.string(),
    database: z.string(),
  }),
]);
const redisLink = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().positive(),
  username: z.string().optional(),
  password: z.string().optional(),
});
const topicLink = z.object({ arn: z.string().min(1) });
const endpointLink = z.object({ address: z.string().min(1) });
const kmsKeyLink = z.object({ arn: z.string().min(1) });

/**
 * Builds the AWS adapters of a Lambda from the links `stacks/` gave it. Each port is built on
 * first use, so a step connects only to what it reaches, and reaching something it was not
 * linked to fails with a ConfigError that names the link (the trigger's `reaches` lacks it).
 */
export async function buildAwsDeps(read?: LinkReader): Promise<Deps> {
  const readLink = read ?? (await sstLinkReader());
  const config = loadConfig();
  const link = <T>(name: string, schema: z.ZodType<T>, port: string): T => {
    const value = readLink(name);
    if (value === undefined) {
      throw new ConfigError(
        `${port}: this function is not linked to ${name}; add it to the trigger's reaches`,
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ConfigError(`${port}: link ${name} is malformed: ${parsed.error.message}`);
    return parsed.data;
  };
  const once = <T>(build: () => T): (() => T) => {
    let value: T | undefined;
    return () => {
      value ??= build();
      return value;
    };
  };
  const unavailable = (port: string) => () => {
    throw new ConfigError(`${port}: no AWS adapter is wired for this port yet`);
  };

  const tableNames = new Proxy({} as Record<TableName, string>, {
    get: (_target, table: string) => link(LINKS.table(table as TableName), nameLink, `table ${table}`).name,
  });
  const records = once(() => new DynamoRecordStore({ client: new DynamoDBClient({}), tableNames }));
  const publisher = once(() => {
    const bus =
      readLink(LINKS.bus.primary) !== undefined
        ? link(LINKS.bus.primary, busLink, 'publisher')
        : link(LINKS.bus.secondary, busLink, 'publisher');
    return new EventBridgePublisher({ client: new EventBridgeClient({}), busName: bus.name });
  });
  const voteStore = (region: 'primary' | 'secondary') =>
    once(() => openVoteStore(region, link(LINKS.voteStore[region], voteStoreLink, `vote store (${region})`)));
  const primaryStore = voteStore('primary');
  const secondaryStore = voteStore('secondary');
  const cache = once(() => {
    const redis = link(LINKS.cache, redisLink, 'voter cache');
    const auth =
      redis.password === undefined
        ? ''
        : `${encodeURIComponent(redis.username ?? 'default')}:${encodeURIComponent(redis.password)}@`;
    // ElastiCache from SST has TLS in transit on, hence rediss://.
    return new RedisVoterCache(connectRedis({ url: `rediss://${auth}${redis.host}:${redis.port}` }));
  });
  const notifier = once(
    () => new SnsNotifier(new SNSClient({}), link(LINKS.notifications, topicLink, 'notifier').arn),
  );
  const tracker = once(
    () => new LocationTracker(new LocationClient({}), link(LINKS.tracker, nameLink, 'tracker').name),
  );
  const machineCommands = once(() => {
    const endpoint = link(LINKS.iotDataEndpoint, endpointLink, 'machine commands').address;
    return new IotMachineCommands(new IoTDataPlaneClient({ endpoint: `https://${endpoint}` }), config.stage);
  });
  // The broker health check publishes through the same data endpoint (reach `brokerProbe`).
  const brokerProbe = once(() => {
    const endpoint = link(LINKS.iotDataEndpoint, endpointLink, 'broker probe').address;
    return new IotBrokerProbe(new IoTDataPlaneClient({ endpoint: `https://${endpoint}` }), config.stage);
  });
  // Tickets verify synchronously, so the ticket key's public half is fetched here, once per cold
  // start, and only by functions linked to the key.
  const ticketKeys =
    readLink(LINKS.ticketKey) === undefined
      ? undefined
      : await loadKmsTicketKeys({ signingKeyArn: link(LINKS.ticketKey, kmsKeyLink, 'ticket keys').arn });

  // Pseudonyms hash voter ids synchronously: the secret is derived from the HMAC key once here.
  const pseudonyms =
    readLink(LINKS.pseudonymKey) === undefined
      ? undefined
      : await loadKmsPseudonyms({
          client: new KMSClient({}),
          keyArn: link(LINKS.pseudonymKey, kmsKeyLink, 'voter pseudonyms').arn,
          stage: config.stage,
        });

  const deps = {
    config,
    clock: systemClock,
    get records() {
      return records();
    },
    get publisher() {
      return publisher();
    },
    get cache() {
      return cache();
    },
    voteStores: {
      get primary() {
        return primaryStore();
      },
      get secondary() {
        return secondaryStore();
      },
    },
    signatures: new InlineSignatureChecker(),
    get notifier() {
      return notifier();
    },
    get tracker() {
      return tracker();
    },
    get brokerProbe() {
      return brokerProbe();
    },
    get machineCommands() {
      return machineCommands();
    },
    get ticketKeys() {
      if (ticketKeys !== undefined) return ticketKeys;
      link(LINKS.ticketKey, kmsKeyLink, 'ticket keys (KMS)'); // throws, naming the missing link
      return unavailable('ticket keys (KMS)')();
    },
    get pseudonyms() {
      if (pseudonyms !== undefined) return pseudonyms;
      link(LINKS.pseudonymKey, kmsKeyLink, 'voter pseudonyms (KMS HMAC)'); // throws, naming the missing link
      return unavailable('voter pseudonyms (KMS HMAC)')();
    },
    get biometrics() {
      return unavailable('biometrics API')();
    },
    get voterRegistry() {
      return unavailable('voter registry API')();
    },
  };
  return deps as Deps;
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
  const client = new RdsDataSqlClient({
    client: new RDSDataClient({ region: store.region }),
    resourceArn: store.clusterArn,
    secretArn: store.secretArn,
    database: store.database,
  });
  // The first call waits for the (idempotent, advisory-locked) migration of this cold start.
  const opening = PostgresVoteStore.open({ region, client, rowsPerStatement: 100 });
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
  return (name) => {
    try {
      return resources[name];
    } catch {
      return undefined;
    }
  };
}
