import { buses, deadLetters } from './bus';
import { allTriggers, inRegion } from './context';
import { functions } from './functions';
import { DELIVERY_RETRY_POLICY, eventRulePlans } from './lib/event-rules';
import { eventRuleQueuePolicy } from './lib/queues';
import { batchQueues } from './queues';

/**
 * Every event trigger of the table as an EventBridge rule on its region's app bus (AWS service
 * events come over from the default bus, `bus.ts`), with the trigger's own pattern, a retry
 * policy and a dead-letter queue. SST's `bus.subscribe` is not used: it passes on only three pattern keys.
 * The target is the Lambda, or for a batch trigger its queue, which the Lambda reads in batches.
 */
export const eventRules = eventRulePlans(allTriggers).map((plan) => {
  const name = plan.trigger.name.charAt(0).toUpperCase() + plan.trigger.name.slice(1);
  const opts = inRegion(plan.region);
  const busName = buses[plan.region].name;
  const fn = functions[plan.trigger.name]!;
  const rule = new aws.cloudwatch.EventRule(
    `Rule${name}`,
    { eventBusName: busName, description: plan.trigger.description, eventPattern: plan.eventPattern },
    opts,
  );
  if (plan.target === 'queue') {
    const queue = batchQueues[plan.trigger.name]!.queue;
    // Only this rule may send to the queue.
    new aws.sqs.QueuePolicy(
      `Rule${name}QueuePolicy`,
      { queueUrl: queue.url, policy: $jsonStringify(eventRuleQueuePolicy(queue.arn, rule.arn)) },
      opts,
    );
  }
  new aws.cloudwatch.EventTarget(
    `Rule${name}Target`,
    {
      rule: rule.name,
      eventBusName: busName,
      arn: plan.target === 'queue' ? batchQueues[plan.trigger.name]!.queue.arn : fn.arn,
      retryPolicy: DELIVERY_RETRY_POLICY,
      deadLetterConfig: { arn: deadLetters[plan.region].arn },
    },
    opts,
  );
  if (plan.target === 'lambda') {
    new aws.lambda.Permission(
      `Rule${name}Invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: fn.name,
        principal: 'events.amazonaws.com',
        sourceArn: rule.arn,
      },
      opts,
    );
  }
  return rule;
});
