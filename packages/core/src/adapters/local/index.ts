export { InlineSignatureChecker } from '../shared/inline-signature-checker';
export {
  type DuckDbLimits,
  DuckDbVoteStore,
  defaultDuckDbLimits,
} from './duckdb-vote-store';
export { loadFileElectionKey, MemoryElectionKey } from './file-election-key';
export {
  generateTicketKey,
  HmacVoterPseudonyms,
  loadFileTicketKeys,
  loadFileVoterPseudonyms,
  MemoryTicketKeys,
  rotateFileTicketKeys,
  type TicketKeyAlgorithm,
  verifyTicketSignature,
} from './file-ticket-keys';
export { LmdbRecordStore } from './lmdb-record-store';
export { LocalBrokerProbe } from './local-broker-probe';
export { LocalGeofenceCollection } from './local-geofence-collection';
export {
  type CertificateChannel,
  inactiveMachineCertificates,
  LocalMachineCertificates,
} from './local-machine-certificates';
export { LocalMachineCommands, type MachineChannel } from './local-machine-commands';
export { LocalDeviceTracker, type LocalTrackerOptions } from './local-tracker';
export { DEFAULT_SEEN_TTL_MS, MemoryDetectorState } from './memory-detector-state';
export { MemoryRecordStore } from './memory-record-store';
export { MemoryStaffPool } from './memory-staff-pool';
export { MemoryVoterCache } from './memory-voter-cache';
export { type MailSender, type OutboxEntry, OutboxNotifier, readOutbox } from './outbox-notifier';
export { SeededVoterRegistry } from './seeded-voter-registry';
export { SimulatedBiometrics } from './simulated-biometrics';
export { SwitchableVoteStore } from './switchable-vote-store';
export { WorkerSignatureChecker } from './worker-signature-checker';
