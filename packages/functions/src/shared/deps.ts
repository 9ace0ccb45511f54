import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '@ballotstream/core';
import type {
  Biometrics,
  BrokerProbe,
  Clock,
  DeviceTracker,
  EventPublisher,
  MachineCommands,
  Notifier,
  RecordStore,
  SignatureChecker,
  TicketKeys,
  VoterCache,
  VoterPseudonyms,
  VoterRegistry,
  VoteStore,
} from '@ballotstream/core/ports';

/** Everything a handler may reach; built once per cold start (or once by the local runtime). */
export interface Deps {
  readonly config: Config;
  readonly clock: Clock;
  readonly publisher: EventPublisher;
  readonly records: RecordStore;
  readonly cache: VoterCache;
  readonly voteStores: { readonly primary: VoteStore; readonly secondary: VoteStore };
  /** Machine signature checks (inline in Lambda; a worker thread locally). */
  readonly signatures: SignatureChecker;
  readonly ticketKeys: TicketKeys;
  readonly pseudonyms: VoterPseudonyms;
  readonly biometrics: Biometrics;
  /** The national voter registry the issue centre looks voters up in. */
  readonly voterRegistry: VoterRegistry;
  /** Machine positions (Amazon Location tracker; a local tracker that announces geofence events). */
  readonly tracker: DeviceTracker;
  /** Officer notifications (SNS; a local outbox). */
  readonly notifier: Notifier;
  /** Retained control messages to machines (IoT Core; the embedded broker). */
  readonly machineCommands: MachineCommands;
  /** The broker health check's own publishes (IoT data plane; the embedded broker). */
  readonly brokerProbe: BrokerProbe;
}

let installed: Deps | undefined;
let building: Promise<Deps> | undefined;

/** Installs the dependencies handlers use; the local runtime and tests call this at start-up. */
export function installDeps(deps: Deps): void {
  installed = deps;
  building = undefined;
}

/** Forgets the installed dependencies, so a test or a restarted runtime starts clean. */
export function uninstallDeps(): void {
  installed = undefined;
  building = undefined;
}

// Locally two regions' runtimes may share a process: each runs its handlers inside its own scope.
const scoped = new AsyncLocalStorage<Deps>();

/** Runs `work` (and everything it awaits) with these dependencies, whatever is installed. */
export function runWithDeps<T>(deps: Deps, work: () => T): T {
  return scoped.run(deps, work);
}

/** Whether these are the process's installed dependencies. */
export function isInstalled(deps: Deps): boolean {
  return installed === deps;
}

/** The dependencies of this process; in Lambda they are built from the AWS adapters on first use. */
export async function deps(): Promise<Deps> {
  const inScope = scoped.getStore();
  if (inScope !== undefined) return inScope;
  if (installed !== undefined) return installed;
  building ??= import('./aws-deps').then(({ buildAwsDeps }) => buildAwsDeps());
  installed = await building;
  return installed;
}
