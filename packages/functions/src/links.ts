import type { TableName } from '@ballotstream/core/ports';

/**
 * The names of the SST links a Lambda may carry: `stacks/` creates the links under these names
 * and `shared/aws-deps.ts` reads them (`Resource[<name>]`), so the two cannot drift apart.
 */
export const LINKS = {
  table: (name: TableName): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}TableName`,
  bus: { primary: 'EventBus', secondary: 'EventBusSecondary' },
  voteStore: { primary: 'VoteStore', secondary: 'VoteStoreSecondary' },
  cache: 'VoterCacheEndpoint',
  ticketKey: 'TicketKey',
  pseudonymKey: 'PseudonymKey',
  notifications: 'OfficerAlerts',
  tracker: 'MachineTrackerName',
  // --- link: booth geofences (issue 15, detectors)
  geofences: 'BoothGeofenceCollection',
  iotDataEndpoint: 'IotDataEndpoint',
  /** External APIs: `{ url, secretArn }` (stacks/external-apis.ts). */
  voterRegistryApi: 'VoterRegistryApi',
  biometricApi: 'BiometricApi',
} as const;

/**
 * Lambdas outside the trigger table because their trigger has no kind there: Device Defender
 * Detect's SNS alert target (accounts that still have Detect) and Device Defender Audit's
 * notification target. Each declares what it publishes and the topic it is subscribed to.
 */
export const SNS_SUBSCRIBERS = [
  {
    name: 'defenderAlarm',
    description: 'Turns Device Defender Detect alarms into defender.violation events.',
    handler: { file: 'fleet/defender-alarm', export: 'handler' },
    publishes: ['defender.violation'],
    topic: 'defenderAlerts',
  },
  {
    name: 'auditFindings',
    description: "Turns Device Defender Audit's non-compliant checks into anomalies for the national desk.",
    handler: { file: 'fleet/audit-findings', export: 'handler' },
    publishes: ['anomaly.detected'],
    topic: 'auditFindings',
  },
] as const;
