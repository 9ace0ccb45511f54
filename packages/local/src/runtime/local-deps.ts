import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, configSchema } from '@ballotstream/core';
import {
  DuckDbVoteStore,
  HmacVoterPseudonyms,
  LmdbRecordStore,
  LocalBrokerProbe,
  LocalDeviceTracker,
  LocalMachineCommands,
  loadFileTicketKeys,
  loadFileVoterPseudonyms,
  type MachineChannel,
  MemoryRecordStore,
  MemoryTicketKeys,
  MemoryVoterCache,
  OutboxNotifier,
  SeededVoterRegistry,
  SimulatedBiometrics,
  WorkerSignatureChecker,
} from '@ballotstream/core/adapters/local';
import { connectRedis, RedisVoterCache } from '@ballotstream/core/adapters/redis';
import type { Clock, EventPublisher, RecordStore, VoteStore } from '@ballotstream/core/ports';
import { systemClock } from '@ballotstream/core/ports';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import type { Deps } from '@ballotstream/functions/shared/deps';
import { smtpOptionsOf, smtpSender } from '../mail/smtp-sender';

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
  /** The time every handler reads; the simulator drives a faster one. System time by default. */
  readonly clock?: Clock;
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
export async function openSharedStores(dir: string | undefined): Promise<SharedStores> {
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const records = dir === undefined ? new MemoryRecordStore() : new LmdbRecordStore(join(dir, 'records'));
  const [primary, secondary] = await Promise.all([
    DuckDbVoteStore.open('primary', dir === undefined ? ':memory:' : join(dir, 'votes-primary.duckdb')),
    DuckDbVoteStore.open('secondary', dir === undefined ? ':memory:' : join(dir, 'votes-secondary.duckdb')),
  ]);
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

/** Builds every adapter of the local runtime: the one start-up point where stand-ins are chosen. */
export async function buildLocalDeps(options: LocalDepsOptions): Promise<Deps> {
  const config = configSchema.parse({ ...options.config, redisUrl: options.redisUrl });
  const dir = options.dataDir;
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const { records, voteStores } = options.shared ?? (await openSharedStores(dir));
  const cache =
    options.redisUrl === undefined
      ? new MemoryVoterCache()
      : new RedisVoterCache(connectRedis({ url: options.redisUrl }));
  const built: Deps = {
    config,
    clock: options.clock ?? systemClock,
    publisher: options.publisher,
    records,
    cache,
    voteStores,
    signatures: new WorkerSignatureChecker(),
    ticketKeys: dir === undefined ? new MemoryTicketKeys() : loadFileTicketKeys(join(dir, 'keys')),
    pseudonyms:
      dir === undefined
        ? new HmacVoterPseudonyms(randomBytes(32))
        : loadFileVoterPseudonyms(join(dir, 'keys')),
    // Enrolments live in the record store, so they survive a restart like the tickets do.
    biometrics: new SimulatedBiometrics(records),
    voterRegistry: new SeededVoterRegistry(records),
    tracker: new LocalDeviceTracker({
      records,
      stage: config.stage,
      putEvent: options.putAwsEvent ?? (() => undefined),
    }),
    notifier: new OutboxNotifier({
      records,
      clock: options.clock ?? systemClock,
      ...(dir === undefined ? {} : { file: join(dir, 'outbox.jsonl') }),
      ...(options.smtpUrl === undefined ? {} : { mail: smtpSender(smtpOptionsOf(options.smtpUrl)) }),
    }),
    machineCommands: new LocalMachineCommands(config.stage, options.machineChannel ?? noChannel),
    brokerProbe: new LocalBrokerProbe(config.stage, options.machineChannel ?? noChannel),
  };
  if (options.shared !== undefined) borrowed.add(built);
  return built;
}

/** Closes every adapter that holds a connection or a file. */
export async function closeLocalDeps(deps: Deps): Promise<void> {
  const own = !borrowed.has(deps);
  await Promise.allSettled([
    deps.cache.close(),
    deps.signatures.close(),
    ...(own
      ? [deps.records.close(), deps.voteStores.primary.close(), deps.voteStores.secondary.close()]
      : []),
  ]);
}
