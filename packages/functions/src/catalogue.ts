import { type AppPorts, type Config, tables as tableDefinitions } from '@ballotstream/core';
import type { TableName } from '@ballotstream/core/ports';
import { LINKS } from './links';
import type { TableUse, VoteStoreUse } from './reaches';
import type { EventTrigger, QueueBatching, TopicRuleTrigger, Trigger } from './trigger-types';

/**
 * The port catalogue: for each port a handler may reach, one entry saying what in a trigger's
 * `reaches` asks for it, the SST links its Lambda then carries, and the IAM statements it needs.
 * `stacks/` (links, permissions), the AWS wiring (`shared/aws-deps.ts`) and the local wiring
 * (`packages/local/src/runtime/local-deps.ts`) all iterate over it; the adapter tables of the two
 * wirings are keyed by `AdapterPort`, so a port without an AWS or a local adapter does not compile.
 * Pure: no Pulumi, no AWS SDK, so `stacks/`, the functions and their tests import it alike.
 */

/** The external APIs a step may reach, as `Reaches` names them. */
export type ExternalApiName = 'voterRegistry' | 'biometrics';

/** The two AWS regions of a stage. */
export type Region = 'primary' | 'secondary';

/** Everything a handler may reach, with the settings; built once per cold start (or once by the local runtime). */
export interface Deps extends AppPorts {
  readonly config: Config;
}

/** A port with an adapter in each runtime: a member of `Deps` other than the settings. */
export type AdapterPort = Exclude<keyof Deps, 'config' | 'electionCaPem'>;

/** What only IAM serves: reached by some trigger, but no adapter of `Deps` stands for it. */
export type GrantOnly = 'batchQueue' | 'tableStream';

/** Every entry of the catalogue. */
export type PortName = AdapterPort | GrantOnly;

/** One IAM statement as SST's `permissions` takes it; `R` is a string in tests, a Pulumi output in stacks. */
export interface Statement<R> {
  readonly actions: readonly string[];
  readonly resources: readonly R[];
}

/**
 * A region's vote store: Aurora PostgreSQL reached by a direct connection (its secret), the same
 * cluster reached by the RDS Data API, or a Timestream table (accounts that still have it).
 */
export type VoteStoreArns<R> =
  | { readonly kind: 'timestream'; readonly table: R; readonly tallies: R }
  | { readonly kind: 'postgres'; readonly secret: R }
  | { readonly kind: 'postgres-data-api'; readonly cluster: R; readonly secret: R };

/** Where the resources a step may reach live; stacks/ passes resource ARNs, tests pass example ARNs. */
export interface ResourceArns<R> {
  table(name: TableName): R;
  /** Index ARNs of a table (`<table arn>/index/*`), for Query on a secondary index. */
  tableIndexes(name: TableName): R;
  /** The key the tables are encrypted with, in a region (the secondary's is the replica key). */
  dataKey(region: Region): R;
  bus(region: Region): R;
  /** The vote store of a region, as the blueprint chose it. */
  voteStore(region: Region): VoteStoreArns<R>;
  ticketKey: R;
  pseudonymKey: R;
  /** The KMS key (ECC_NIST_P256) the public bulletin is signed with. */
  electionKey: R;
  /** A region's staff user pool (Cognito). */
  userPool(region: Region): R;
  notificationsTopic: R;
  /** Every shard's tracker (the location plan): a step serves machines of any booth. */
  trackers: readonly R[];
  /** Every shard's booth geofence collection. */
  geofenceCollections: readonly R[];
  /** Certificates of this account and region (`arn:aws:iot:<region>:<account>:cert/*`). */
  machineCertificates: R;
  /** Things of this account and region (`arn:aws:iot:<region>:<account>:thing/*`): a machine is one. */
  machineThings: R;
  /** The control topics of the stage's machines: every machine id, the `control` leaf. */
  machineControlTopics: R;
  /** The broker health check's probe topics: `health/*` under the stage root. */
  healthProbeTopics: R;
  /** A table's change streams (`<table arn>/stream/*`), which a stream trigger's Lambda reads. */
  tableStream(name: TableName): R;
  /** The queue a batch trigger's Lambda reads (by trigger name). */
  batchQueue(trigger: string): R;
  /** The Secrets Manager secret holding an external API's key (stacks/external-apis.ts). */
  externalApiSecret(api: ExternalApiName): R;
  /**
   * The customer key batch queues are encrypted with in a region, or undefined while they use
   * SQS-managed encryption (then a reader needs no KMS grant).
   */
  batchQueueKey?(region: Region): R;
}

/**
 * Actions AWS does not scope to a resource: IAM accepts only `*` for them. Every other
 * statement names its resources.
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set(['timestream:DescribeEndpoints']);

/** What a function needs on the queue it reads through an event source mapping, and nothing else. */
export const QUEUE_READ_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ChangeMessageVisibility',
] as const;

/** What a function needs on the table stream it reads through an event source mapping. */
export const STREAM_READ_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
] as const;

/** A trigger that reads through a queue in batches. */
export type BatchTrigger = (EventTrigger | TopicRuleTrigger) & { readonly batch: QueueBatching };

/** Whether a trigger reads through a queue in batches. */
export function isBatchTrigger(trigger: Trigger): trigger is BatchTrigger {
  return (trigger.kind === 'event' || trigger.kind === 'topic-rule') && trigger.batch !== undefined;
}

/** The region a trigger's Lambda runs in (and publishes to): subscribers of the secondary bus run there. */
export function regionOf(trigger: Trigger): Region {
  return trigger.kind === 'event' ? trigger.region : 'primary';
}

const STAFF_POOL_READ = [
  'cognito-idp:ListUsers',
  'cognito-idp:ListGroups',
  'cognito-idp:ListUsersInGroup',
] as const;
const STAFF_POOL_WRITE = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:CreateGroup',
] as const;

const TABLE_ACTIONS: Record<TableUse, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/**
 * What DynamoDB asks KMS on the caller's behalf for a table under a customer key: reading
 * decrypts, writing also encrypts and makes data keys (CDK's `grantReadData` / `grantWriteData`
 * grant the same; `kms:GenerateDataKey*` is spelled out, as no action here has a wildcard).
 */
const TABLE_KEY_ACTIONS: Record<TableUse, readonly string[]> = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: [
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:Encrypt',
    'kms:GenerateDataKey',
    'kms:GenerateDataKeyWithoutPlaintext',
  ],
};

/** Timestream grants per use: which actions, on the votes table and on the kept-counts table. */
const TIMESTREAM_GRANTS: Record<VoteStoreUse, { votes: readonly string[]; tallies: readonly string[] }> = {
  record: { votes: ['timestream:WriteRecords'], tallies: [] },
  read: { votes: ['timestream:Select'], tallies: [] },
  tally: {
    votes: ['timestream:Select', 'timestream:WriteRecords'],
    tallies: ['timestream:Select', 'timestream:WriteRecords'],
  },
};

/** The Data API calls `RdsDataSqlClient` makes: statements, and the transactions a recount runs in. */
const RDS_DATA_ACTIONS = [
  'rds-data:ExecuteStatement',
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:RollbackTransaction',
];

/**
 * The IAM statements for reaching one region's vote store. A direct connection signs in with the
 * cluster's credentials, so the only AWS action is reading that secret; the Data API runs SQL over
 * HTTPS with IAM (no VPC, and the other region is reachable). `timestream:DescribeEndpoints`,
 * which takes no resource, is added once by the caller.
 */
export function voteStoreStatements<R>(store: VoteStoreArns<R>, use: VoteStoreUse): Statement<R>[] {
  switch (store.kind) {
    case 'timestream': {
      const grant = TIMESTREAM_GRANTS[use];
      const statements: Statement<R>[] = [{ actions: grant.votes, resources: [store.table] }];
      if (grant.tallies.length > 0) statements.push({ actions: grant.tallies, resources: [store.tallies] });
      return statements;
    }
    case 'postgres':
      return [{ actions: ['secretsmanager:GetSecretValue'], resources: [store.secret] }];
    case 'postgres-data-api':
      return [
        { actions: RDS_DATA_ACTIONS, resources: [store.cluster] },
        { actions: ['secretsmanager:GetSecretValue'], resources: [store.secret] },
      ];
  }
}

/** One entry of the catalogue. */
export interface PortEntry {
  /** What in a trigger asks for this port (the `reaches` key, or `publishes`); for people. */
  readonly reachedBy: string;
  /** Whether a trigger's Lambda reaches this port. */
  reached(trigger: Trigger): boolean;
  /** Every link name this port may be built from, whatever the trigger. */
  readonly linkNames: readonly string[];
  /** The names of the SST links a trigger's Lambda carries for this port. */
  links(trigger: Trigger): readonly string[];
  /** The IAM statements a trigger's Lambda needs for this port. */
  statements<R>(trigger: Trigger, arns: ResourceArns<R>): readonly Statement<R>[];
}

const tablesOf = (trigger: Trigger) =>
  Object.entries(trigger.reaches?.tables ?? {}) as [TableName, TableUse][];
const voteStoresOf = (trigger: Trigger) =>
  Object.entries(trigger.reaches?.voteStores ?? {}) as [Region, VoteStoreUse][];

/** A port no link serves and no IAM guards: built in every function that runs. */
const everywhere: Omit<PortEntry, 'reachedBy'> = {
  reached: () => true,
  linkNames: [],
  links: () => [],
  statements: () => [],
};

/** A port one link and one flag of `reaches` stand for. */
function linked(
  reachedBy: string,
  reached: (trigger: Trigger) => boolean,
  link: string,
  statements: PortEntry['statements'],
): PortEntry {
  return {
    reachedBy,
    reached,
    linkNames: [link],
    links: (trigger) => (reached(trigger) ? [link] : []),
    statements: (trigger, arns) => (reached(trigger) ? statements(trigger, arns) : []),
  };
}

/** Each port, once. */
export const PORTS: { readonly [P in PortName]: PortEntry } = {
  records: {
    reachedBy: 'reaches.tables',
    reached: (trigger) => tablesOf(trigger).length > 0,
    linkNames: tableDefinitions.map((table) => LINKS.table(table.name)),
    links: (trigger) => tablesOf(trigger).map(([name]) => LINKS.table(name)),
    statements: (trigger, arns) => {
      const tables = tablesOf(trigger);
      if (tables.length === 0) return [];
      const keyUse: TableUse = tables.some(([, use]) => use === 'write') ? 'write' : 'read';
      return [
        ...tables.map(([name, use]) => ({
          actions: TABLE_ACTIONS[use],
          resources: [arns.table(name), arns.tableIndexes(name)],
        })),
        // The tables are encrypted with the data key; in the secondary region a function reads
        // the replica tables, under the replica key.
        { actions: TABLE_KEY_ACTIONS[keyUse], resources: [arns.dataKey(regionOf(trigger))] },
      ];
    },
  },
  publisher: {
    reachedBy: 'publishes',
    reached: (trigger) => trigger.publishes.length > 0,
    linkNames: [LINKS.bus.primary, LINKS.bus.secondary],
    links: (trigger) => (trigger.publishes.length > 0 ? [LINKS.bus[regionOf(trigger)]] : []),
    statements: (trigger, arns) =>
      trigger.publishes.length > 0
        ? [{ actions: ['events:PutEvents'], resources: [arns.bus(regionOf(trigger))] }]
        : [],
  },
  voteStores: {
    reachedBy: 'reaches.voteStores',
    reached: (trigger) => voteStoresOf(trigger).length > 0,
    linkNames: [LINKS.voteStore.primary, LINKS.voteStore.secondary],
    links: (trigger) => voteStoresOf(trigger).map(([region]) => LINKS.voteStore[region]),
    statements<R>(trigger: Trigger, arns: ResourceArns<R>): Statement<R>[] {
      const statements: Statement<R>[] = [];
      let timestream = false;
      for (const [region, use] of voteStoresOf(trigger)) {
        const store = arns.voteStore(region);
        timestream ||= store.kind === 'timestream';
        statements.push(...voteStoreStatements(store, use));
      }
      if (timestream)
        statements.push({
          actions: ['timestream:DescribeEndpoints'],
          resources: ['*' as R],
        });
      return statements;
    },
  },
  cache: linked(
    'reaches.cache',
    (t) => t.reaches?.cache === true,
    LINKS.cache,
    () => [],
  ),
  ticketKeys: linked(
    'reaches.ticketKeys',
    (t) => t.reaches?.ticketKeys !== undefined,
    LINKS.ticketKey,
    (t, arns) => [
      {
        actions:
          t.reaches?.ticketKeys === 'sign'
            ? ['kms:Sign', 'kms:GetPublicKey']
            : ['kms:Verify', 'kms:GetPublicKey'],
        resources: [arns.ticketKey],
      },
    ],
  ),
  pseudonyms: linked(
    'reaches.pseudonyms',
    (t) => t.reaches?.pseudonyms === true,
    LINKS.pseudonymKey,
    (_t, arns) => [{ actions: ['kms:GenerateMac'], resources: [arns.pseudonymKey] }],
  ),
  // The sync reads the primary's pool and writes users and groups in the secondary's only.
  staffPools: {
    reachedBy: 'reaches.staffPools',
    reached: (t) => t.reaches?.staffPools === true,
    linkNames: [LINKS.userPool.primary, LINKS.userPool.secondary],
    links: (t) => (t.reaches?.staffPools === true ? [LINKS.userPool.primary, LINKS.userPool.secondary] : []),
    statements: (t, arns) =>
      t.reaches?.staffPools === true
        ? [
            {
              actions: [...STAFF_POOL_READ],
              resources: [arns.userPool('primary'), arns.userPool('secondary')],
            },
            { actions: [...STAFF_POOL_WRITE], resources: [arns.userPool('secondary')] },
          ]
        : [],
  },
  // Signing the bulletin: only the route that serves it, only on that key.
  electionKey: linked(
    'reaches.electionKey',
    (t) => t.reaches?.electionKey === true,
    LINKS.electionKey,
    (_t, arns) => [{ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [arns.electionKey] }],
  ),
  notifier: linked(
    'reaches.notifications',
    (t) => t.reaches?.notifications === true,
    LINKS.notifications,
    (_t, arns) => [{ actions: ['sns:Publish'], resources: [arns.notificationsTopic] }],
  ),
  tracker: linked(
    'reaches.tracker',
    (t) => t.reaches?.tracker === true,
    LINKS.tracker,
    (_t, arns) => [
      {
        actions: ['geo:BatchUpdateDevicePosition', 'geo:GetDevicePosition', 'geo:GetDevicePositionHistory'],
        resources: [...arns.trackers],
      },
    ],
  ),
  machineCommands: linked(
    'reaches.machineControl',
    (t) => t.reaches?.machineControl === true,
    LINKS.iotDataEndpoint,
    (_t, arns) => [{ actions: ['iot:Publish', 'iot:RetainPublish'], resources: [arns.machineControlTopics] }],
  ),
  // External APIs are reached over HTTPS with an API key: the role may only read that key.
  biometrics: linked(
    'reaches.biometrics',
    (t) => t.reaches?.biometrics === true,
    LINKS.biometricApi,
    (_t, arns) => [
      { actions: ['secretsmanager:GetSecretValue'], resources: [arns.externalApiSecret('biometrics')] },
    ],
  ),
  voterRegistry: linked(
    'reaches.voterRegistry',
    (t) => t.reaches?.voterRegistry === true,
    LINKS.voterRegistryApi,
    (_t, arns) => [
      { actions: ['secretsmanager:GetSecretValue'], resources: [arns.externalApiSecret('voterRegistry')] },
    ],
  ),
  signatures: { ...everywhere, reachedBy: '(every function: checks run in process)' },
  clock: { ...everywhere, reachedBy: '(every function)' },
  // The health check publishes its probes through the IoT data endpoint machine control uses.
  brokerProbe: linked(
    'reaches.brokerProbe',
    (t) => t.reaches?.brokerProbe === true,
    LINKS.iotDataEndpoint,
    (_t, arns) => [{ actions: ['iot:Publish'], resources: [arns.healthProbeTopics] }],
  ),
  // The watchers' state lives in the voter cache's Redis: the cache link serves it, no IAM.
  detectorState: {
    reachedBy: 'reaches.cache',
    reached: (t) => t.reaches?.cache === true,
    linkNames: [LINKS.cache],
    links: () => [],
    statements: () => [],
  },
  geofences: {
    reachedBy: 'reaches.geofences',
    reached: (t) => t.reaches?.geofences !== undefined,
    linkNames: [LINKS.geofences],
    links: (t) => (t.reaches?.geofences === undefined ? [] : [LINKS.geofences]),
    statements: (t, arns) => {
      if (t.reaches?.geofences === 'write') {
        return [
          {
            actions: [
              'geo:PutGeofence',
              'geo:BatchPutGeofence',
              'geo:BatchDeleteGeofence',
              'geo:ListGeofences',
            ],
            resources: [...arns.geofenceCollections],
          },
        ];
      }
      if (t.reaches?.geofences === 'evaluate') {
        return [{ actions: ['geo:BatchEvaluateGeofences'], resources: [...arns.geofenceCollections] }];
      }
      return [];
    },
  },
  // The IoT control plane is the region's own endpoint: no link, only IAM. A machine's
  // certificates are found through its thing, then each is described and updated.
  machineCertificates: {
    reachedBy: 'reaches.machineCertificates',
    reached: (t) => t.reaches?.machineCertificates === true,
    linkNames: [],
    links: () => [],
    statements: (t, arns) =>
      t.reaches?.machineCertificates === true
        ? [
            { actions: ['iot:ListThingPrincipals'], resources: [arns.machineThings] },
            {
              actions: ['iot:UpdateCertificate', 'iot:DescribeCertificate'],
              resources: [arns.machineCertificates],
            },
          ]
        : [],
  },
  batchQueue: {
    reachedBy: 'batch',
    reached: isBatchTrigger,
    linkNames: [],
    links: () => [],
    statements: (t, arns) => {
      if (!isBatchTrigger(t)) return [];
      // The event source mapping reads with the function's role: its own queue only.
      const key = arns.batchQueueKey?.(regionOf(t));
      return [
        { actions: QUEUE_READ_ACTIONS, resources: [arns.batchQueue(t.name)] },
        ...(key === undefined ? [] : [{ actions: ['kms:Decrypt'], resources: [key] }]),
      ];
    },
  },
  tableStream: {
    reachedBy: 'kind: stream',
    reached: (t) => t.kind === 'stream',
    linkNames: [],
    links: () => [],
    statements: (t, arns) =>
      t.kind === 'stream'
        ? [
            // The event source mapping reads with the function's role. Stream records are encrypted
            // under the data key, whose decrypt the table grants (`records`) carry: a stream
            // trigger reaches at least one table (stacks/lib/permissions.test.ts).
            { actions: STREAM_READ_ACTIONS, resources: [arns.tableStream(t.table)] },
          ]
        : [],
  },
};

/** The catalogue's entries in a fixed order. */
export const PORT_NAMES = Object.keys(PORTS) as PortName[];

const GRANT_ONLY: ReadonlySet<PortName> = new Set<GrantOnly>(['batchQueue', 'tableStream']);

/** The ports with an adapter in each runtime. */
export const ADAPTER_PORTS = PORT_NAMES.filter((p): p is AdapterPort => !GRANT_ONLY.has(p));

/** The ports a trigger's Lambda reaches (and so builds). */
export function portsReached(trigger: Trigger): AdapterPort[] {
  return ADAPTER_PORTS.filter((port) => PORTS[port].reached(trigger));
}

/** The names of the SST links a trigger's Lambda carries: exactly what it reaches. */
export function plannedLinks(trigger: Trigger): string[] {
  return [...new Set(PORT_NAMES.flatMap((port) => PORTS[port].links(trigger)))];
}

/** The IAM statements a step needs, derived from the events it publishes and what it reaches. */
export function statementsFor<R>(trigger: Trigger, arns: ResourceArns<R>): Statement<R>[] {
  return PORT_NAMES.flatMap((port) => PORTS[port].statements(trigger, arns));
}

/** Builds a port, given a way to get the other ports it is made from (each built once). */
export type PortBuilder<C, P extends AdapterPort> = (
  context: C,
  get: <Q extends AdapterPort>(port: Q) => Promise<Deps[Q]>,
) => Deps[P] | Promise<Deps[P]>;

/** How a runtime builds each port: one builder per port of the catalogue. */
export type AdapterTable<C> = { readonly [P in AdapterPort]: PortBuilder<C, P> };

/**
 * Builds the named ports with a runtime's adapter table, each once, in catalogue order; a port
 * asked for but not named (a port the function does not reach) comes from `absent`.
 */
export async function buildPorts<C>(
  table: AdapterTable<C>,
  context: C,
  ports: readonly AdapterPort[],
  absent: <P extends AdapterPort>(port: P) => Deps[P],
): Promise<Omit<Deps, 'config'>> {
  const building = new Map<AdapterPort, Promise<unknown>>();
  const wanted = new Set(ports);
  const get = <P extends AdapterPort>(port: P): Promise<Deps[P]> => {
    let made = building.get(port);
    if (made === undefined) {
      const builder = table[port] as PortBuilder<C, P>;
      made = wanted.has(port)
        ? Promise.resolve().then(() => builder(context, get))
        : Promise.resolve(absent(port));
      building.set(port, made);
    }
    return made as Promise<Deps[P]>;
  };
  const entries = await Promise.all(ADAPTER_PORTS.map(async (port) => [port, await get(port)] as const));
  return Object.fromEntries(entries) as unknown as Omit<Deps, 'config'>;
}
