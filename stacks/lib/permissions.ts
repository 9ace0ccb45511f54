import type { TableName } from '@ballotstream/core/ports';
import type { Reaches, TableUse, VoteStoreUse } from '@ballotstream/functions/reaches';
import type { Trigger } from '@ballotstream/functions/triggers';
import { isBatchTrigger, QUEUE_READ_ACTIONS } from './queues';

export type Region = 'primary' | 'secondary';

/** One IAM statement as SST's `permissions` takes it; `R` is a string in tests, a Pulumi output in stacks. */
export interface Statement<R> {
  readonly actions: readonly string[];
  readonly resources: readonly R[];
}

/** Where the resources a step may reach live; stacks/ passes resource ARNs, tests pass example ARNs. */
export interface ResourceArns<R> {
  table(name: TableName): R;
  /** Index ARNs of a table (`<table arn>/index/*`), for Query on a secondary index. */
  tableIndexes(name: TableName): R;
  bus(region: Region): R;
  /** The vote store of a region, as the blueprint chose it. */
  voteStore(region: Region): VoteStoreArns<R>;
  ticketKey: R;
  pseudonymKey: R;
  notificationsTopic: R;
  tracker: R;
  geofenceCollection: R;
  /** Certificates of this account and region (`arn:aws:iot:<region>:<account>:cert/*`). */
  machineCertificates: R;
  /** The control topics of the stage's machines: every machine id, the `control` leaf. */
  machineControlTopics: R;
  /** The broker health check's probe topics: `health/*` under the stage root. */
  healthProbeTopics: R;
  /** The queue a batch trigger's Lambda reads (by trigger name). */
  batchQueue(trigger: string): R;
}

/** A region's vote store: a Timestream table, or an Aurora PostgreSQL cluster reached by the Data API. */
export type VoteStoreArns<R> =
  | { readonly kind: 'timestream'; readonly table: R; readonly tallies: R }
  | { readonly kind: 'postgres'; readonly cluster: R; readonly secret: R };

/**
 * Actions AWS does not scope to a resource: IAM accepts only `*` for them. Every other
 * statement names its resources.
 */
export const UNSCOPED_ACTIONS: ReadonlySet<string> = new Set(['timestream:DescribeEndpoints']);

const TABLE_ACTIONS: Record<TableUse, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  write: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

/** Timestream grants per use: which actions, on the votes table and on the kept-counts table. */
const TIMESTREAM_GRANTS: Record<VoteStoreUse, { votes: readonly string[]; tallies: readonly string[] }> = {
  record: { votes: ['timestream:WriteRecords'], tallies: [] },
  read: { votes: ['timestream:Select'], tallies: [] },
  tally: {
    votes: ['timestream:Select', 'timestream:WriteRecords'],
    tallies: ['timestream:Select', 'timestream:WriteRecords'],
  },
};

/** The region whose bus a step publishes to: subscribers of the secondary bus publish there. */
function publishRegion(trigger: Trigger): Region {
  return trigger.kind === 'event' ? trigger.region : 'primary';
}

/** The IAM statements a step needs, derived from the events it publishes and what it reaches. */
export function statementsFor<R>(trigger: Trigger, arns: ResourceArns<R>): Statement<R>[] {
  const reaches: Reaches = trigger.reaches ?? {};
  const statements: Statement<R>[] = [];
  for (const [name, use] of Object.entries(reaches.tables ?? {}) as [TableName, TableUse][]) {
    statements.push({ actions: TABLE_ACTIONS[use], resources: [arns.table(name), arns.tableIndexes(name)] });
  }
  if (trigger.publishes.length > 0) {
    statements.push({ actions: ['events:PutEvents'], resources: [arns.bus(publishRegion(trigger))] });
  }
  let timestream = false;
  for (const [region, use] of Object.entries(reaches.voteStores ?? {}) as [Region, VoteStoreUse][]) {
    const store = arns.voteStore(region);
    if (store.kind === 'timestream') {
      timestream = true;
      const grant = TIMESTREAM_GRANTS[use];
      statements.push({ actions: grant.votes, resources: [store.table] });
      if (grant.tallies.length > 0) statements.push({ actions: grant.tallies, resources: [store.tallies] });
    } else {
      // The Data API runs SQL over HTTPS with IAM, so a recorder needs no VPC and may read the other region.
      statements.push({
        actions: ['rds-data:ExecuteStatement', 'rds-data:BatchExecuteStatement'],
        resources: [store.cluster],
      });
      statements.push({ actions: ['secretsmanager:GetSecretValue'], resources: [store.secret] });
    }
  }
  if (timestream) {
    statements.push({ actions: ['timestream:DescribeEndpoints'], resources: ['*' as R] });
  }
  if (reaches.ticketKeys === 'verify') {
    statements.push({ actions: ['kms:Verify', 'kms:GetPublicKey'], resources: [arns.ticketKey] });
  }
  if (reaches.ticketKeys === 'sign') {
    statements.push({ actions: ['kms:Sign', 'kms:GetPublicKey'], resources: [arns.ticketKey] });
  }
  if (reaches.pseudonyms) {
    statements.push({ actions: ['kms:GenerateMac'], resources: [arns.pseudonymKey] });
  }
  if (reaches.notifications) {
    statements.push({ actions: ['sns:Publish'], resources: [arns.notificationsTopic] });
  }
  if (reaches.tracker) {
    statements.push({
      actions: ['geo:BatchUpdateDevicePosition', 'geo:GetDevicePosition'],
      resources: [arns.tracker],
    });
  }
  if (reaches.geofences === 'write') {
    statements.push({
      actions: ['geo:PutGeofence', 'geo:BatchPutGeofence', 'geo:BatchDeleteGeofence', 'geo:ListGeofences'],
      resources: [arns.geofenceCollection],
    });
  }
  if (reaches.geofences === 'evaluate') {
    statements.push({ actions: ['geo:BatchEvaluateGeofences'], resources: [arns.geofenceCollection] });
  }
  if (reaches.machineCertificates) {
    statements.push({
      actions: ['iot:UpdateCertificate', 'iot:DescribeCertificate'],
      resources: [arns.machineCertificates],
    });
  }
  if (reaches.machineControl) {
    statements.push({
      actions: ['iot:Publish', 'iot:RetainPublish'],
      resources: [arns.machineControlTopics],
    });
  }
  if (reaches.brokerProbe) {
    statements.push({ actions: ['iot:Publish'], resources: [arns.healthProbeTopics] });
  }
  if (isBatchTrigger(trigger)) {
    // The event source mapping reads with the function's role: its own queue only.
    statements.push({ actions: QUEUE_READ_ACTIONS, resources: [arns.batchQueue(trigger.name)] });
  }
  return statements;
}

/** Whether a step runs inside the VPC: only steps that reach the voter cache do. */
export function needsVpc(trigger: Trigger): boolean {
  return trigger.reaches?.cache === true;
}
