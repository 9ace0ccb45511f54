import type { RecordKey } from '../../ports/record-store';

// Sort keys that hold numbers are zero-padded so that text order is numeric order.
const pad = (n: number): string => n.toString().padStart(15, '0');
// Year 2286 in epoch ms: sort keys made from it minus a time list the newest first.
const FAR_FUTURE_MS = 9_999_999_999_999;

/** Registry entities of one kind are spread over this many partitions, so none runs hot. */
export const REGISTRY_SHARDS = 16;

/** The shard of a registry id (FNV-1a), stable across processes and runtimes. */
export function registryShard(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % REGISTRY_SHARDS;
}

/** Where each kind of durable record lives; one place, so no two callers disagree. */
export const recordKeys = {
  voterStatus: (voterKey: string, electionId: string): RecordKey => ({
    pk: `voter#${voterKey}`,
    sk: `election#${electionId}`,
  }),
  /**
   * Which region writes the election's voter statuses from an epoch on: one record per epoch,
   * written once, so last-writer-wins replication never turns a later hand-over back.
   */
  verificationOwnerPartition: (electionId: string): string => `owner#${electionId}`,
  verificationOwner: (electionId: string, epoch: number): RecordKey => ({
    pk: `owner#${electionId}`,
    sk: `epoch#${pad(epoch)}`,
  }),
  ticket: (ticketId: string): RecordKey => ({ pk: `ticket#${ticketId}`, sk: 'ticket' }),
  ballotToken: (tokenHash: string): RecordKey => ({ pk: `ballot#${tokenHash}`, sk: 'token' }),
  ledgerVote: (voteId: string): RecordKey => ({ pk: `vote#${voteId}`, sk: 'vote' }),
  /** The messages of one broker health probe that came back through the broker's rule. */
  healthProbePartition: (probeId: string): string => `health#${probeId}`,
  healthProbe: (probeId: string, seq: number): RecordKey => ({ pk: `health#${probeId}`, sk: pad(seq) }),
  machine: (machineId: string): RecordKey => recordKeys.registryEntity('machine', machineId),
  booth: (boothId: string): RecordKey => recordKeys.registryEntity('booth', boothId),
  constituency: (constituencyId: string): RecordKey =>
    recordKeys.registryEntity('constituency', constituencyId),
  /** Every registry entity of a kind lives in that kind's shards, so a kind can be listed. */
  registryEntity: (kind: string, id: string): RecordKey => ({
    pk: recordKeys.registryPartition(kind, registryShard(id)),
    sk: id,
  }),
  registryPartition: (kind: string, shard: number): string => `reg#${kind}#${shard}`,
  auditPartition: (): string => 'audit#chain',
  auditEntry: (seq: number): RecordKey => ({ pk: 'audit#chain', sk: pad(seq) }),
  auditHead: (): RecordKey => ({ pk: 'audit#head', sk: 'head' }),
  voterProfile: (voterKey: string): RecordKey => ({ pk: `voter#${voterKey}`, sk: 'profile' }),
  /** The voter's live ticket in one election; its conditional writes serialise issue and reissue. */
  voterTicket: (voterKey: string, electionId: string): RecordKey => ({
    pk: `voter#${voterKey}`,
    sk: `ticket#${electionId}`,
  }),
  /** Enrolled fingerprint templates (the local biometric simulator's own store). */
  voterFingerprints: (voterKey: string): RecordKey => ({ pk: `voter#${voterKey}`, sk: 'fingerprints' }),
  /** A person in the local stand-in of the national voter registry, by their national voter id. */
  registeredVoter: (voterId: string): RecordKey => ({ pk: `citizen#${voterId}`, sk: 'citizen' }),
  /** The running tally, one record per constituency holding each candidate's votes. */
  tallyPartition: (electionId: string): string => `tally#${electionId}`,
  tallyConstituency: (electionId: string, constituencyId: string): RecordKey => ({
    pk: `tally#${electionId}`,
    sk: `c#${constituencyId}`,
  }),
  /** Turnout over time, one record per tally window holding each constituency's votes in it. */
  turnoutPartition: (electionId: string): string => `turnout#${electionId}`,
  turnoutWindow: (electionId: string, windowStart: number): RecordKey => ({
    pk: `turnout#${electionId}`,
    sk: `w#${pad(windowStart)}`,
  }),
  dirtyPartition: (electionId: string): string => `dirty#${electionId}`,
  dirtyWindow: (electionId: string, windowStart: number): RecordKey => ({
    pk: `dirty#${electionId}`,
    sk: pad(windowStart),
  }),
  /** A printed receipt that a vote was recorded: the code alone, never the vote it came from. */
  receipt: (electionId: string, code: string): RecordKey => ({
    pk: `receipt#${electionId}#${code}`,
    sk: 'receipt',
  }),
  /** The agreement of the two regions on one tally window, as the last run found it. */
  windowStatus: (electionId: string, windowStart: number): RecordKey => ({
    pk: `windows#${electionId}`,
    sk: pad(windowStart),
  }),
  windowStatusPartition: (electionId: string): string => `windows#${electionId}`,
  /** When a machine last had a vote accepted (the end of that vote's time bucket). */
  machineActivity: (machineId: string): RecordKey => ({ pk: `activity#${machineId}`, sk: 'votes' }),
  /** A machine's history for its page, newest first. */
  machineEventsPartition: (machineId: string): string => `mevents#${machineId}`,
  machineEvent: (machineId: string, at: number, eventId: string): RecordKey => ({
    pk: `mevents#${machineId}`,
    sk: `${pad(FAR_FUTURE_MS - at)}#${eventId}`,
  }),
  /** The latest check of a machine's signed result record. */
  machineResult: (machineId: string): RecordKey => ({ pk: `activity#${machineId}`, sk: 'result' }),
  /** A booth's machine, so an SOS can block every machine of the booth without a scan. */
  boothMachine: (boothId: string, machineId: string): RecordKey => ({
    pk: `booth-machines#${boothId}`,
    sk: machineId,
  }),
  boothMachinesPartition: (boothId: string): string => `booth-machines#${boothId}`,
  positionPartition: (machineId: string): string => `position#${machineId}`,
  position: (machineId: string, sampleTime: number): RecordKey => ({
    pk: `position#${machineId}`,
    sk: pad(sampleTime),
  }),
  /** The geofences a tracked machine is inside, as the local tracker last evaluated them. */
  trackerState: (machineId: string): RecordKey => ({ pk: `tracker#${machineId}`, sk: 'geofences' }),
  /** A booth's polygon in the local geofence collection (Amazon Location's collection in AWS). */
  inactiveCertificatesPartition: (): string => 'certificates#inactive',
  /** A machine whose certificates the hard block set INACTIVE (local runtime; IoT Core keeps its own). */
  inactiveCertificate: (machineId: string): RecordKey => ({ pk: 'certificates#inactive', sk: machineId }),
  geofence: (boothId: string): RecordKey => ({ pk: `geofence#${boothId}`, sk: 'polygon' }),
  alert: (alertId: string): RecordKey => ({ pk: `alert#${alertId}`, sk: 'alert' }),
  /** The open alert of a subject (kind + machine/booth/region), for de-duplication. */
  alertSubject: (subjectKey: string): RecordKey => ({ pk: `subject#${subjectKey}`, sk: 'open' }),
  /** Alerts listed per region (and `all`) in the order they were raised. */
  regionAlertsPartition: (regionId: string): string => `alerts#${regionId}`,
  /** Newest first: the sort key counts down from the far future. */
  regionAlert: (regionId: string, firstSeen: number, alertId: string): RecordKey => ({
    pk: `alerts#${regionId}`,
    sk: `${pad(FAR_FUTURE_MS - firstSeen)}#${alertId}`,
  }),
  /** Alerts not yet acknowledged, for the escalation schedule. */
  openAlertsPartition: (): string => 'open-alerts',
  openAlert: (firstSeen: number, alertId: string): RecordKey => ({
    pk: 'open-alerts',
    sk: `${pad(firstSeen)}#${alertId}`,
  }),
  officerThrottle: (officerId: string): RecordKey => ({ pk: `throttle#${officerId}`, sk: 'throttle' }),
  outboxPartition: (): string => 'outbox',
  outboxEntry: (at: number, messageId: string, recipient: string): RecordKey => ({
    pk: 'outbox',
    sk: `${pad(at)}#${messageId}#${recipient}`,
  }),
  /** Close of poll: the latest checked result record of each machine, one partition per constituency. */
  closeMachinesPartition: (electionId: string, constituencyId: string): string =>
    `close#${electionId}#${constituencyId}`,
  closeMachine: (electionId: string, constituencyId: string, machineId: string): RecordKey => ({
    pk: `close#${electionId}#${constituencyId}`,
    sk: machineId,
  }),
  /** A returning officer's exception for a machine that did not reconcile. */
  closeExceptionsPartition: (electionId: string, constituencyId: string): string =>
    `exceptions#${electionId}#${constituencyId}`,
  closeException: (electionId: string, constituencyId: string, machineId: string): RecordKey => ({
    pk: `exceptions#${electionId}#${constituencyId}`,
    sk: machineId,
  }),
  /** When each constituency was certified. */
  certificationsPartition: (electionId: string): string => `certified#${electionId}`,
  certification: (electionId: string, constituencyId: string): RecordKey => ({
    pk: `certified#${electionId}`,
    sk: constituencyId,
  }),
  /** That a missing record was already alerted at a severity, so the schedule raises it once. */
  missingAlerted: (electionId: string, machineId: string, severity: string): RecordKey => ({
    pk: `missing-alerted#${electionId}`,
    sk: `${machineId}#${severity}`,
  }),
} as const;
