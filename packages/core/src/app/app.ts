import type { Config } from '../config';
import { syncStaffPools } from '../domain/staff/sync-staff-pools';
import type {
  Biometrics,
  BrokerProbe,
  Clock,
  DetectorState,
  DeviceTracker,
  ElectionKey,
  EventPublisher,
  GeofenceCollection,
  MachineCertificates,
  MachineCommands,
  Notifier,
  RecordStore,
  SignatureChecker,
  StaffPools,
  TicketKeys,
  VoterCache,
  VoterPseudonyms,
  VoterRegistry,
  VoteStore,
} from '../ports';
import { alertUseCases } from './alerts';
import { auditUseCases } from './audit';
import { blockMachineUseCase } from './block-machine';
import { castingUseCases } from './casting';
import { citizenReadUseCases } from './citizen-reads';
import { closeUseCases } from './close';
import { fleetStepUseCases } from './fleet-steps';
import { geofenceEventUseCase } from './geofence-event';
import { handOverUseCases } from './hand-over';
import { ingestVotesUseCase } from './ingest-votes';
import { issueCentreDepsOf, issueTicketUseCase } from './issue-ticket';
import { machineReadUseCases } from './machine-reads';
import { materialiseUseCase } from './materialise';
import { createMonitors, type Monitors } from './monitors';
import { observeActivityUseCase } from './observe-activity';
import { raiseAlertUseCases } from './raise-alert';
import { recordMachineEventUseCase } from './record-machine-event';
import { registryUseCases } from './registry';
import { reissueTicketUseCase } from './reissue-ticket';
import { reportViolationsUseCase } from './report-violations';
import { sosUseCase } from './sos';
import { systemUseCases } from './system';
import { talliesUseCases } from './tallies';
import { ticketUseCases } from './tickets';
import { trackPositionUseCase } from './track-position';
import { verificationConflictsUseCase } from './verification-conflicts';
import { verifyVoterUseCase } from './verify-voter';
import { watchUseCases } from './watch';

/** Every port a step may reach; each runtime (AWS, local) builds one set of adapters for them. */
export interface AppPorts {
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
  /** The anomaly watchers' windows and counters, shared by every instance (Redis beside the voter cache). */
  readonly detectorState: DetectorState;
  /** The booth geofence collection the tracker evaluates (Amazon Location; a table locally). */
  readonly geofences: GeofenceCollection;
  /** The broker health check's own publishes (IoT data plane; the embedded broker). */
  readonly brokerProbe: BrokerProbe;
  /** Machines' certificates, set inactive by a hard block (IoT Core; the embedded broker refuses them). */
  readonly machineCertificates: MachineCertificates;
  /** Each region's Cognito pool of staff sign-ins, which the sync keeps alike (in memory locally). */
  readonly staffPools: StaffPools;
  /** The election key the public bulletin is signed with (a KMS P-256 key in AWS, a key file locally). */
  readonly electionKey: ElectionKey;
  /** The election CA's certificate (PEM), where the runtime has one, for the bulletin. */
  readonly electionCaPem?: string;
}

/**
 * Builds the app once (per cold start in Lambda, per region locally): each use case gets exactly
 * the ports it needs and returns its result with the events to publish; handlers call these, and
 * only the wrappers read `ports` (to publish) and `config`. `monitors` shares another app's watchers
 * and machine directory, as the local runtime does for each step's app over one region's ports.
 */
export function createApp(
  ports: AppPorts,
  config: Config,
  monitors: Monitors = createMonitors(ports, config),
) {
  const issueCentre = issueCentreDepsOf(ports, config);
  return {
    config,
    ports,
    /** The watchers this app's use cases share; another app over the same ports may share them too. */
    monitors,
    /** The machine directory the fleet steps share (a cache of the registry). */
    machines: monitors.machines,
    verifyVoter: verifyVoterUseCase(ports, config, monitors),
    ingestVotes: ingestVotesUseCase(ports, config),
    sos: sosUseCase(ports, monitors),
    trackPosition: trackPositionUseCase(ports, config, monitors),
    geofenceEvent: geofenceEventUseCase(ports, monitors),
    observeActivity: observeActivityUseCase(ports, monitors),
    reportViolations: reportViolationsUseCase(),
    raiseAlert: raiseAlertUseCases(ports, config, monitors),
    alerts: alertUseCases(ports, config),
    close: closeUseCases(ports, config),
    audit: auditUseCases(ports),
    watch: watchUseCases(ports, monitors),
    registry: registryUseCases(ports, config),
    blockMachine: blockMachineUseCase(ports, monitors),
    verification: handOverUseCases(ports, config),
    materialise: materialiseUseCase(ports, config),
    issueTicket: issueTicketUseCase(issueCentre),
    reissueTicket: reissueTicketUseCase(issueCentre),
    recordMachineEvent: recordMachineEventUseCase(ports),
    fleet: { ...fleetStepUseCases(ports, config), ...machineReadUseCases(ports) },
    citizen: citizenReadUseCases(ports, config),
    casting: castingUseCases(ports, config),
    tallies: talliesUseCases(ports, config),
    tickets: ticketUseCases(ports, config),
    system: systemUseCases(ports, config),
    verificationConflicts: verificationConflictsUseCase(ports, config),
    /** The secondary region's staff pool given the primary's members, groups and enabled state. */
    syncStaffPools: () => syncStaffPools(ports.staffPools),
  };
}

/** The app every handler calls: its use cases, and the ports and settings they were built from. */
export type App = ReturnType<typeof createApp>;
