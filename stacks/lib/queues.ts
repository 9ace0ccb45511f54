import { type BatchTrigger, isBatchTrigger, type Region } from '@ballotstream/functions/catalogue';
import { queueReceives, type Trigger } from '@ballotstream/functions/triggers';
import { timeoutSeconds } from './functions';

export { type BatchTrigger, isBatchTrigger, QUEUE_READ_ACTIONS } from '@ballotstream/functions/catalogue';

/** How long each region's dead-letter queue keeps a message: the SQS maximum, 14 days. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * How long a batch queue keeps a message no reader took: 4 days, the SQS default. SQS keeps a
 * dead-lettered message's first enqueue time, so the dead-letter queue must keep messages longer
 * than its source queue, or a message redriven late would expire there at once.
 */
export const BATCH_QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;

/** AWS advises a visibility timeout of at least six times the function's timeout for an SQS event source. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * The fewest deliveries before a message is dead-lettered. AWS advises a maxReceiveCount of at
 * least 5 on a Lambda's source queue: throttled or failed batches count as receives, and a lower
 * count dead-letters messages a healthy reader would have handled a moment later.
 */
export const MIN_RECEIVE_COUNT = 5;

/** The event source mapping reports failed records one by one, as the batch handlers answer. */
export const FUNCTION_RESPONSE_TYPES = ['ReportBatchItemFailures'] as const;

/** The queue of a batch trigger and the event source mapping its Lambda reads it with. */
export interface BatchQueuePlan {
  readonly trigger: BatchTrigger;
  /** The region of the trigger's Lambda; the queue, its dead-letter queue and the mapping live there. */
  readonly region: Region;
  /** Who puts messages on the queue: an EventBridge rule's target, or an IoT topic rule's action. */
  readonly writer: 'event-rule' | 'topic-rule';
  readonly queueName: string;
  readonly visibilityTimeoutSeconds: number;
  readonly messageRetentionSeconds: number;
  /** Deliveries before SQS moves a message to the region's dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  /**
   * The age of the oldest waiting message at which the operators are told: older than one
   * failed delivery and a minute more, a message means its reader is failing or falling behind,
   * well before the redeliveries run out and it goes to the dead-letter queue.
   */
  readonly backlogAlarmSeconds: number;
}

/** Throws, naming the trigger, when a batch setting is one the SQS event source mapping would refuse. */
export function checkBatching(trigger: BatchTrigger): void {
  const { size, windowSeconds } = trigger.batch;
  const fail = (why: string) => {
    throw new Error(`trigger ${trigger.name}: batch ${why}`);
  };
  if (!Number.isInteger(size) || size < 1 || size > 10_000) {
    fail(`size must be a whole number from 1 to 10,000 (SQS event source mapping), not ${size}`);
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds < 0 || windowSeconds > 300) {
    fail(`windowSeconds must be a whole number from 0 to 300, not ${windowSeconds}`);
  }
  if (size > 10 && windowSeconds < 1) {
    fail(`size ${size} is above 10, so SQS needs windowSeconds of at least 1, not ${windowSeconds}`);
  }
  // An SQS mapping runs at least two instances at once; a function reserved below that is
  // throttled, and throttled batches count as receives until they land in the dead-letter queue.
  if (trigger.reservedConcurrency !== undefined && trigger.reservedConcurrency < 2) {
    fail(
      `reads a queue, which runs at least 2 instances, so reservedConcurrency ${trigger.reservedConcurrency} would dead-letter throttled batches`,
    );
  }
}

/** SQS queue names: up to 80 letters, digits, hyphens and underscores. */
function queueName(stage: string, trigger: Trigger): string {
  const name = `ballotstream-${stage}-${trigger.name}`.replace(/[^A-Za-z0-9_-]/g, '-');
  if (name.length > 80) {
    throw new Error(
      `trigger ${trigger.name}: queue name ${name} is longer than the 80 characters SQS allows`,
    );
  }
  return name;
}

/**
 * A queue per batch trigger, in its Lambda's region, with the settings its event source mapping
 * reads it with. Throws, naming the trigger, for settings AWS would refuse.
 */
export function batchQueuePlans(
  stage: string,
  triggers: readonly Trigger[],
  deadLetterRetentionSeconds = DEAD_LETTER_RETENTION_SECONDS,
): BatchQueuePlan[] {
  if (deadLetterRetentionSeconds <= BATCH_QUEUE_RETENTION_SECONDS) {
    throw new Error(
      `the dead-letter queues keep messages ${deadLetterRetentionSeconds} s, not longer than the batch queues' ${BATCH_QUEUE_RETENTION_SECONDS} s: a redriven message would expire there`,
    );
  }
  return triggers.filter(isBatchTrigger).map((trigger) => {
    checkBatching(trigger);
    const maxReceiveCount = Math.max(MIN_RECEIVE_COUNT, queueReceives(trigger));
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
      throw new Error(`trigger ${trigger.name}: maxReceiveCount must be 1 to 1,000, not ${maxReceiveCount}`);
    }
    const visibilityTimeoutSeconds = VISIBILITY_TIMEOUT_FACTOR * timeoutSeconds(trigger.kind);
    if (visibilityTimeoutSeconds > 43_200) {
      throw new Error(
        `trigger ${trigger.name}: visibility timeout ${visibilityTimeoutSeconds} s is above 12 hours`,
      );
    }
    return {
      trigger,
      region: trigger.kind === 'event' ? trigger.region : 'primary',
      writer: trigger.kind === 'event' ? 'event-rule' : 'topic-rule',
      queueName: queueName(stage, trigger),
      visibilityTimeoutSeconds,
      messageRetentionSeconds: BATCH_QUEUE_RETENTION_SECONDS,
      maxReceiveCount,
      batchSize: trigger.batch.size,
      maximumBatchingWindowInSeconds: trigger.batch.windowSeconds,
      backlogAlarmSeconds: visibilityTimeoutSeconds + 60,
    };
  });
}

/** The queue's redrive policy as SQS takes it: to the region's dead-letter queue after `maxReceiveCount`. */
export function redrivePolicy(plan: BatchQueuePlan, deadLetterArn: string): string {
  return JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: plan.maxReceiveCount });
}

/** The queue policy that lets exactly one EventBridge rule send to a batch queue. */
export function eventRuleQueuePolicy<R>(queueArn: R, ruleArn: R) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}

/** The policy of the role an IoT rule's SQS action assumes: send to its own queue, nothing else. */
export function topicRuleQueuePolicy<R>(queueArn: R) {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }],
  };
}
