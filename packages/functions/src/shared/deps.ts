import type { Config } from '@ballotstream/core';
import type {
  Biometrics,
  Clock,
  DeviceTracker,
  ElectionKey,
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
  /**
   * The election key the public bulletin is signed with (KMS in AWS, a key file locally); a
   * runtime without one answers the bulletin route 503.
   */
  readonly electionKey?: ElectionKey;
  /** The election CA's certificate (PEM), where the runtime has one, for the bulletin. */
  readonly electionCaPem?: string;
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

/** The dependencies of this process; in Lambda they are built from the AWS adapters on first use. */
export async function deps(): Promise<Deps> {
  if (installed !== undefined) return installed;
  building ??= import('./aws-deps').then(({ buildAwsDeps }) => buildAwsDeps());
  installed = await building;
  return installed;
}
