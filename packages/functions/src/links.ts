import type { TableName } from '@ballotstream/core/ports';

/**
 * The names of the SST links a Lambda may carry: `stacks/` creates the links under these names
 * and `shared/aws-deps.ts` reads them (`Resource[<name>]`), so the two cannot drift apart.
 */
export const LINKS = {
  table: (name: TableName): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}TableName`,
  bus: { primary: 'EventBus', secondary: 'EventBusSecondary' },
  voteStore: { primary: 'VoteStore', secondary: 'VoteStoreSecondary' },
  cache: 'VoterCache',
  ticketKey: 'TicketKey',
  pseudonymKey: 'PseudonymKey',
  notifications: 'OfficerAlerts',
  tracker: 'MachineTrackerName',
  iotDataEndpoint: 'IotDataEndpoint',
} as const;
