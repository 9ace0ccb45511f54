import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Config, configSchema } from '@ballotstream/core';
import {
  type CertificateChannel,
  type DuckDbLimits,
  DuckDbVoteStore,
  HmacVoterPseudonyms,
  LmdbRecordStore,
  LocalBrokerProbe,
  LocalDeviceTracker,
  LocalGeofenceCollection,
  LocalMachineCertificates,
  LocalMachineCommands,
  loadFileElectionKey,
  loadFileTicketKeys,
  loadFileVoterPseudonyms,
  type MachineChannel,
  MemoryDetectorState,
  MemoryElectionKey,
  MemoryRecordStore,
  MemoryStaffPool,
  MemoryTicketKeys,
  MemoryVoterCache,
  OutboxNotifier,
  SeededVoterRegistry,
  SimulatedBiometrics,
  WorkerSignatureChecker,
} from '@ballotstream/core/adapters/local';
import { connectRedis, RedisDetectorState, RedisVoterCache } from '@ballotstream/core/adapters/redis';
import type { Clock, EventPublisher, RecordStore, VoteStore } from '@ballotstream/core/ports';
import { systemClock } from '@ballotstream/core/ports';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import { ADAPTER_PORTS, type AdapterTable, buildPorts, type Deps } from '@ballotstream/functions/catalogue';
import { smtpOptionsOf, smtpSender } from '../mail/smtp-sender';
import { makePrivateDir } from './data-dir';

export interface LocalDepsOptions {
  /** Where durable state lives; without one, everything is kept in memory and lost on exit. */
  readonly dataDir?: string;
  /** Use real Redis for the voter cache; without one, an in-process store with the same contract. */
  readonly redisUrl?: string;
  /** Also send officer emails to this relay (`smtp://host:port`); the outbox keeps them either way. */
  readonly smtpUrl?: string;
  readonly config?: Partial<Config>;
  readonly publisher: EventPublisher;
  /** Puts AWS service events (`aws.geo`) on the bus; the local tracker's geofence events go here. */
  readonly putAwsEvent?: (envelope: EventBridgeEnvelope) => void;
  /** The broker control messages go out through; without one, sending a control message fails. */
  readonly machineChannel?: MachineChannel;
  /** The broker that holds machine certificates' statuses; without one, a hard block fails. */
  readonly certificateChannel?: CertificateChannel;
  /** The time every handler reads; the simulator drives a faster one. System time by default. */
  readonly clock?: Clock;
  /** Memory and threads of each embedded vote store; bounded by default (`defaultDuckDbLimits`). */
  readonly voteStoreLimits?: Partial<DuckDbLimits>;
  /**
   * Durable records and vote stores another runtime of this process also uses (the other region
   * of `up --regions 2`): used as they are, and left open by `closeLocalDeps`.
   */
  readonly shared?: SharedStores;
}

/** What two regions' runtimes share: the global tables, and each region's vote store. */
export interface SharedStores {
  readonly records: RecordStore;
  readonly voteStores: { readonly primary: VoteStore; readonly secondary: VoteStore };
}

/** Opens the durable records and both vote stores under a data directory (in memory without one). */
export async function openSharedStores(
  dir: string | undefined,
  limits?: Partial<DuckDbLimits>,
): Promise<SharedStores> {
  if (dir !== undefined) makePrivateDir(dir);
  const records = dir === undefined ? new MemoryRecordStore() : new LmdbRecordStore(join(dir, 'records'));
  const open = (region: 'primary' | 'secondary') =>
    DuckDbVoteStore.open(
      region,
      dir === undefined ? ':memory:' : join(dir, `votes-${region}.duckdb`),
      limits,
    );
  const [primary, secondary] = await Promise.all([open('primary'), open('secondary')]);
  return { records, voteStores: { primary, secondary } };
}

/** Closes what `openSharedStores` opened. */
export async function closeSharedStores(stores: SharedStores): Promise<void> {
  await Promise.allSettled([
    stores.records.close(),
    stores.voteStores.primary.close(),
    stores.voteStores.secondary.close(),
  ]);
}

// The runtimes whose records and vote stores belong to someone else.
const borrowed = new WeakSet<Deps>();

const noChannel: MachineChannel = {
  publish: async () => {
    throw new Error('no MQTT broker is attached to send control messages');
  },
};

const noCertificates: CertificateChannel = {
  setCertificateActive: () => {
    throw new Error('no MQTT broker is attached to hold machine certificates');
  },
};

/** What a local adapter is built from: the runtime's options, settings and data directory. */
interface LocalContext {
  readonly options: LocalDepsOptions;
  readonly config: Config;
  readonly dir: string | undefined;
}

/** How each port's local stand-in is built: one entry per port of the catalogue. */
export const LOCAL_ADAPTERS: AdapterTable<LocalContext> = {
  // The voter cache's Redis when there is one. Each start keeps its own keys: demo machine and
  // booth ids repeat from run to run, and this state is not meant to outlive the process.
  detectorState: ({ options, config }) =>
    options.redisUrl === undefined
      ? new MemoryDetectorState(options.clock ?? systemClock)
      : new RedisDetectorState(connectRedis({ url: options.redisUrl }), {
          prefix: `bs:${config.stage}:detector:${randomUUID()}:`,
        }),
  geofences: async (_context, get) => new LocalGeofenceCollection(await get('records')),
  brokerProbe: ({ options, config }) =>
    new LocalBrokerProbe(config.stage, options.machineChannel ?? noChannel),
  clock: ({ options }) => options.clock ?? systemClock,
  publisher: ({ options }) => options.publisher,
  records: ({ options, dir }) =>
    options.shared?.records ??
    (dir === undefined ? new MemoryRecordStore() : new LmdbRecordStore(join(dir, 'records'))),
  cache: ({ options, config }) =>
    options.redisUrl === undefined
      ? new MemoryVoterCache()
      : new RedisVoterCache(connectRedis({ url: options.redisUrl }), { groups: config.voterCacheGroups }),
  voteStores: async ({ options, dir }) => {
    if (options.shared !== undefined) return options.shared.voteStores;
    const open = (region: 'primary' | 'secondary') =>
      DuckDbVoteStore.open(
        region,
        dir === undefined ? ':memory:' : join(dir, `votes-${region}.duckdb`),
        options.voteStoreLimits,
      );
    const [primary, secondary] = await Promise.all([open('primary'), open('secondary')]);
    return { primary, secondary };
  },
  signatures: () => new WorkerSignatureChecker(),
  ticketKeys: ({ dir }) =>
    dir === undefined ? new MemoryTicketKeys() : loadFileTicketKeys(join(dir, 'keys')),
  // The bulletin's signing key: a key file made on first run beside the other local keys.
  electionKey: ({ dir }) =>
    dir === undefined ? new MemoryElectionKey() : loadFileElectionKey(join(dir, 'keys')),
  pseudonyms: ({ dir }) =>
    dir === undefined ? new HmacVoterPseudonyms(randomBytes(32)) : loadFileVoterPseudonyms(join(dir, 'keys')),
  // Enrolments live in the record store, so they survive a restart like the tickets do.
  biometrics: async (_context, get) => new SimulatedBiometrics(await get('records')),
  voterRegistry: async (_context, get) => new SeededVoterRegistry(await get('records')),
  tracker: async ({ options, config }, get) =>
    new LocalDeviceTracker({
      records: await get('records'),
      stage: config.stage,
      putEvent: options.putAwsEvent ?? (() => undefined),
    }),
  notifier: async ({ options, dir }, get) =>
    new OutboxNotifier({
      records: await get('records'),
      clock: await get('clock'),
      ...(dir === undefined ? {} : { file: join(dir, 'outbox.jsonl') }),
      ...(options.smtpUrl === undefined ? {} : { mail: smtpSender(smtpOptionsOf(options.smtpUrl)) }),
    }),
  // The statuses live in the record store, so a restarted runtime still refuses a hard-blocked machine.
  machineCertificates: async ({ options }, get) =>
    new LocalMachineCertificates(options.certificateChannel ?? noCertificates, await get('records')),
  machineCommands: ({ options, config }) =>
    new LocalMachineCommands(config.stage, options.machineChannel ?? noChannel),
  // Staff sign in with the runtime's own tokens; the pools stand in for Cognito's, for the sync.
  staffPools: () => ({ primary: new MemoryStaffPool(), secondary: new MemoryStaffPool() }),
};

/** Builds every adapter of the local runtime: the one start-up point where stand-ins are chosen. */
export async function buildLocalDeps(options: LocalDepsOptions): Promise<Deps> {
  const config = configSchema.parse({ ...options.config, redisUrl: options.redisUrl });
  const dir = options.dataDir;
  if (dir !== undefined) makePrivateDir(dir);
  // The local runtime runs every handler, so it builds every port of the catalogue.
  const ports = await buildPorts(LOCAL_ADAPTERS, { options, config, dir }, ADAPTER_PORTS, (port) => {
    throw new Error(`the local runtime builds every port; ${port} was left out`);
  });
  const built: Deps = { config, ...ports };
  if (options.shared !== undefined) borrowed.add(built);
  return built;
}

/** Closes every adapter that holds a connection or a file (not what another runtime lent it). */
export async function closeLocalDeps(deps: Deps): Promise<void> {
  const own = !borrowed.has(deps);
  await Promise.allSettled([
    deps.cache.close(),
    deps.detectorState.close(),
    deps.signatures.close(),
    ...(own
      ? [deps.records.close(), deps.voteStores.primary.close(), deps.voteStores.secondary.close()]
      : []),
  ]);
}
