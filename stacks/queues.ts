import { deadLetters } from './bus';
import { allTriggers, inRegion } from './context';
import { type BatchQueuePlan, batchQueuePlans, FUNCTION_RESPONSE_TYPES, redrivePolicy } from './lib/queues';

/** A batch trigger's queue, with the plan it was made from. */
export interface BatchQueue {
  readonly plan: BatchQueuePlan;
  readonly queue: aws.sqs.Queue;
}

/**
 * A queue per batch trigger of the table, in its Lambda's region: the EventBridge rule or IoT
 * rule puts each message on it, and the Lambda reads it in batches (`readInBatches`). What SQS
 * could not get handled in `maxReceiveCount` deliveries goes to the region's dead-letter queue.
 * SQS-managed encryption, as for the dead-letter queues: EventBridge and IoT Core need no key grants.
 */
export const batchQueues: Record<string, BatchQueue> = Object.fromEntries(
  batchQueuePlans($app.stage, allTriggers).map((plan) => {
    const name = plan.trigger.name.charAt(0).toUpperCase() + plan.trigger.name.slice(1);
    const queue = new aws.sqs.Queue(
      `Queue${name}`,
      {
        name: plan.queueName,
        visibilityTimeoutSeconds: plan.visibilityTimeoutSeconds,
        messageRetentionSeconds: plan.messageRetentionSeconds,
        sqsManagedSseEnabled: true,
        redrivePolicy: deadLetters[plan.region].arn.apply((arn) => redrivePolicy(plan, arn)),
      },
      inRegion(plan.region),
    );
    return [plan.trigger.name, { plan, queue }];
  }),
);

/** The event source mapping by which a batch trigger's Lambda reads its queue, reporting failed records one by one. */
export function readInBatches(batch: BatchQueue, fn: sst.aws.Function): aws.lambda.EventSourceMapping {
  const name = batch.plan.trigger.name.charAt(0).toUpperCase() + batch.plan.trigger.name.slice(1);
  return new aws.lambda.EventSourceMapping(
    `Queue${name}Reader`,
    {
      eventSourceArn: batch.queue.arn,
      functionName: fn.arn,
      batchSize: batch.plan.batchSize,
      maximumBatchingWindowInSeconds: batch.plan.maximumBatchingWindowInSeconds,
      functionResponseTypes: [...FUNCTION_RESPONSE_TYPES],
      enabled: true,
    },
    inRegion(batch.plan.region),
  );
}
