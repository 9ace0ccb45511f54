import { deadLetters } from './bus';
import { allTriggers, inRegion } from './context';
import { functions } from './functions';
import type { Region } from './lib/permissions';
import { operationsTopic } from './notifications';
import { batchQueues } from './queues';

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** A dead letter is an event or vote nobody handled: one message is enough to tell the operators. */
export const deadLetterAlarms = (['primary', 'secondary'] as const).map(
  (region: Region) =>
    new aws.cloudwatch.MetricAlarm(
      `DeadLetters${pascal(region)}Alarm`,
      {
        alarmDescription: `Messages waiting in the ${region} region's dead-letter queue`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: deadLetters[region].name },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        // The operations topic lives in the primary region; the secondary's alarm has no action and shows in its console.
        alarmActions: region === 'primary' ? [operationsTopic.arn] : [],
      },
      inRegion(region),
    ),
);

/** Errors and throttles of every Lambda of the trigger table, each alarm naming its step. */
export const functionAlarms = allTriggers.flatMap((trigger) => {
  const region: Region = trigger.kind === 'event' ? trigger.region : 'primary';
  const fn = functions[trigger.name]!;
  return (['Errors', 'Throttles'] as const).map(
    (metricName) =>
      new aws.cloudwatch.MetricAlarm(
        `${pascal(trigger.name)}${metricName}Alarm`,
        {
          alarmDescription: `${trigger.name}: ${metricName.toLowerCase()} (${trigger.description})`,
          namespace: 'AWS/Lambda',
          metricName,
          dimensions: { FunctionName: fn.name },
          statistic: 'Sum',
          period: 60,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          threshold: 0,
          comparisonOperator: 'GreaterThanThreshold',
          treatMissingData: 'notBreaching',
          alarmActions: region === 'primary' ? [operationsTopic.arn] : [],
        },
        inRegion(region),
      ),
  );
});

/** A batch queue whose oldest message waits too long: its reader is failing or behind (votes queue up). */
export const queueBacklogAlarms = Object.values(batchQueues).map(
  ({ plan, queue }) =>
    new aws.cloudwatch.MetricAlarm(
      `${pascal(plan.trigger.name)}BacklogAlarm`,
      {
        alarmDescription: `${plan.trigger.name}: a message has waited over ${plan.backlogAlarmSeconds} s in its queue`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: { QueueName: queue.name },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 2,
        threshold: plan.backlogAlarmSeconds,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: plan.region === 'primary' ? [operationsTopic.arn] : [],
      },
      inRegion(plan.region),
    ),
);
