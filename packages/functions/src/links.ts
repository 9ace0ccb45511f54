import type { TableName } from '@ballotstream/core/ports';
import { handlerRef } from './trigger-builders';

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
  electionKey: 'ElectionKey',
  notifications: 'OfficerAlerts',
  tracker: 'MachineTrackerName',
  // --- link: booth geofences (issue 15, detectors)
  geofences: 'BoothGeofenceCollection',
  iotDataEndpoint: 'IotDataEndpoint',
  /** External APIs: `{ url, secretArn }` (stacks/external-apis.ts). */
  voterRegistryApi: 'VoterRegistryApi',
  biometricApi: 'BiometricApi',
  /** Each region's staff user pool: `{ id, region }` (stacks/user-pools.ts). */
  userPool: { primary: 'StaffUserPool', secondary: 'StaffUserPoolSecondary' },
  /**
   * The name a link takes on a copy of a step in the secondary region when that region has a
   * resource of its own for it (the cache, the replica keys, the IoT endpoint): link names are
   * unique in an app, and the reader prefers this one (`shared/aws-deps.ts`).
   */
  inSecondary: (name: string): string => `${name}InSecondary`,
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
    handler: handlerRef('fleet/defender-alarm.handler'),
    publishes: ['defender.violation'],
    topic: 'defenderAlerts',
  },
  {
    name: 'auditFindings',
    description: "Turns Device Defender Audit's non-compliant checks into anomalies for the national desk.",
    handler: handlerRef('fleet/audit-findings.handler'),
    publishes: ['anomaly.detected'],
    topic: 'auditFindings',
  },
] as const;

/**
 * Lambdas only AWS runs, outside the trigger table, feeding the fleet monitor what Device
 * Defender Detect would measure (closed to new customers): each machine's messages, counted by a
 * topic rule on every machine topic through a queue, and the publishes IoT Core refused, from
 * IoT's log through a subscription filter. The local broker reports the same activity itself.
 * Each reaches what the presence step reaches: the registry, the monitor's windows, the bus.
 */
export const FLEET_SIGNAL_STEPS = {
  publishes: {
    name: 'observePublishes',
    description: "Counts each machine's messages for the fleet monitor's message rate (AWS only).",
    handler: handlerRef('fleet/observe-activity.published'),
    publishes: ['defender.violation'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
  authorizationFailures: {
    name: 'observeAuthorizationFailures',
    description:
      "Counts the publishes IoT Core's policy refused, from IoT's log, for the fleet monitor (AWS only).",
    handler: handlerRef('fleet/observe-activity.authorizationFailures'),
    publishes: ['defender.violation'],
    reaches: { tables: { registry: 'read' }, cache: true },
  },
} as const;
