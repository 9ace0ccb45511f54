import type { TableName } from './ports/record-store';

/** A durable table as both DynamoDB (via stacks/) and the local store see it. */
export interface TableDefinition {
  readonly name: TableName;
  readonly description: string;
  readonly partitionKey: 'pk';
  readonly sortKey: 'sk';
  /** Attribute holding an epoch-seconds expiry, when records of this table expire. */
  readonly ttlAttribute?: string;
  /**
   * Whether the table must be strongly consistent across both regions. The one-voter-one-vote
   * decision lives in `voters`, so that table is a multi-region strongly consistent global table.
   */
  readonly multiRegionStrong: boolean;
}

/** Every durable table; stacks/ creates exactly these. */
export const tables: readonly TableDefinition[] = [
  {
    name: 'voters',
    description: 'Voter status per election (voted / booth / day) and voter profiles.',
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: true,
  },
  {
    name: 'tickets',
    description: 'Issued tickets and their revocation state.',
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: true,
  },
  {
    name: 'ballots',
    description: 'One-time ballot tokens, stored only as hashes, bound to a machine.',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAtSeconds',
    multiRegionStrong: true,
  },
  {
    name: 'ledger',
    description: 'Ingest bookkeeping: vote ids seen and their outcome.',
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: false,
  },
  {
    name: 'tallies',
    description: 'Materialised tally rows per window and the windows waiting for a run.',
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: false,
  },
  {
    name: 'registry',
    description: 'Elections, regions, constituencies, candidates, booths, machines, officers.',
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: false,
  },
  {
    name: 'audit',
    description: 'The hash-chained audit log of administrative actions (one record per position).',
    partitionKey: 'pk',
    sortKey: 'sk',
    // Positions are claimed by conditional writes; both regions must agree on who got each one.
    multiRegionStrong: true,
  },
  {
    name: 'fleet',
    description: 'Machine positions and geofence state (the local tracker), rate limits of GPS fixes.',
    partitionKey: 'pk',
    sortKey: 'sk',
    ttlAttribute: 'expiresAtSeconds',
    multiRegionStrong: false,
  },
  {
    name: 'alerts',
    description: 'Alerts by id, by region and by open subject; officer throttles; the notification outbox.',
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: false,
  },
  {
    name: 'results',
    description:
      "Close of poll: each machine's latest checked result record, returning officers' exceptions, certifications.",
    partitionKey: 'pk',
    sortKey: 'sk',
    multiRegionStrong: false,
  },
];
