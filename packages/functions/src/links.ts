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
  /**
   * The name a link takes on a copy of a step in the secondary region when that region has a
   * resource of its own for it (the cache, the replica keys, the IoT endpoint): link names are
   * unique in an app, and the reader prefers this one (`shared/aws-deps.ts`).
   */
  inSecondary: (name: string): string => `${name}InSecondary`,
} as const;

/**
 * Lambdas outside the trigger table because their trigger has no kind there: Device Defender
 * Detect's SNS alert target (accounts that still have Detect). Each declares what it publishes.
 */
export const SNS_SUBSCRIBERS = [
  {
    name: 'defenderAlarm',
    description: 'Turns Device Defender Detect alarms into defender.violation events.',
    handler: handlerRef('fleet/defender-alarm.handler'),
    publishes: ['defender.violation'],
  },
] as const;
