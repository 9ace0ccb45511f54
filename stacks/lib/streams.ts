import type { TableName } from '@ballotstream/core/ports';
import type { StreamTrigger, Trigger } from '@ballotstream/functions/triggers';
import type { Region } from './permissions';

/** A DynamoDB Streams event source mapping, as `aws.lambda.EventSourceMapping` takes it. */
export interface StreamMappingPlan {
  readonly trigger: StreamTrigger;
  /** The region of the replica whose stream is read, and of the Lambda that reads it. */
  readonly region: Region;
  readonly table: TableName;
  /** Only changes made from the mapping's creation on: nothing happened before election day. */
  readonly startingPosition: 'LATEST';
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  /** Failed records are retried alone, then sent to the region's dead letters with their position. */
  readonly functionResponseTypes: readonly ['ReportBatchItemFailures'];
  readonly bisectBatchOnFunctionError: true;
  readonly maximumRetryAttempts: number;
  /** A record older than this goes to the dead letters rather than hold the shard up. */
  readonly maximumRecordAgeInSeconds: number;
  /** The mapping's filter: one EventBridge-style pattern over the stream record, as JSON. */
  readonly filterPattern: string;
  readonly onFailure: 'dead-letters';
}

/**
 * The stream readers of the table, one mapping per region: a global table's replica streams the
 * writes replicated into it as well as its own, and the loser of a last-writer-wins race sees
 * the winner's write replace its own only in the loser's region, so only reading both replicas
 * sees every double. The filter keeps the Lambda to the changes it acts on.
 */
export function streamMappingPlans(triggers: readonly Trigger[]): StreamMappingPlan[] {
  const regions: readonly Region[] = ['primary', 'secondary'];
  return triggers.flatMap((trigger) => {
    if (trigger.kind !== 'stream') return [];
    const keys =
      trigger.partitionKeyPrefix === undefined
        ? {}
        : { dynamodb: { Keys: { pk: { S: [{ prefix: trigger.partitionKeyPrefix }] } } } };
    const filterPattern = JSON.stringify({ eventName: [...trigger.changes], ...keys });
    return regions.map(
      (region): StreamMappingPlan => ({
        trigger,
        region,
        table: trigger.table,
        startingPosition: 'LATEST',
        batchSize: trigger.batch.size,
        maximumBatchingWindowInSeconds: trigger.batch.windowSeconds,
        functionResponseTypes: ['ReportBatchItemFailures'],
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 5,
        maximumRecordAgeInSeconds: 6 * 3600,
        filterPattern,
        onFailure: 'dead-letters',
      }),
    );
  });
}
