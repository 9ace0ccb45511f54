import { deadLetters } from './bus';
import { account, allTriggers, regions } from './context';
import { functions } from './functions';
import { machinePolicyDocument } from './lib/iot-policy';
import { topicRuleQueuePolicy } from './lib/queues';
import { SQL_VERSION, topicRulePlans } from './lib/topic-rules';
import { batchQueues } from './queues';

/** The thing type and group of voting machines; each enrolled machine is a thing named by its machine id. */
export const machineType = new aws.iot.ThingType('MachineType', {
  name: `ballotstream-${$app.stage}-machine`,
  properties: { description: 'A voting machine with its booth gateway', searchableAttributes: ['boothId'] },
});
export const machineGroup = new aws.iot.ThingGroup('Machines', {
  name: `ballotstream-${$app.stage}-machines`,
  properties: { description: 'Every voting machine of the stage' },
});

/**
 * The policy attached to every machine certificate: connect only as its own thing name, publish
 * only on the rule topics under its own id, subscribe only under its own root (lib/iot-policy.ts).
 */
export const machinePolicy = new aws.iot.Policy('MachinePolicy', {
  name: `ballotstream-${$app.stage}-machine`,
  policy: account.apply((id) =>
    JSON.stringify(machinePolicyDocument($app.stage, regions.primary, id, allTriggers)),
  ),
});

const errorActionRole = new aws.iam.Role('TopicRuleErrorRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  inlinePolicies: [
    {
      name: 'dead-letters',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetters.primary.arn }],
      }),
    },
  ],
});

/**
 * A topic rule per topic-rule trigger, its SQL generated from the same topic definition the
 * local rule engine reads. Its action invokes the Lambda, or for a batch trigger puts the SELECT
 * output on the trigger's queue, which the Lambda reads in batches; a failed action puts the
 * message on the dead letters.
 */
export const topicRules = topicRulePlans($app.stage, allTriggers).map((plan) => {
  const fn = functions[plan.trigger.name]!;
  const logical = `TopicRule${plan.trigger.name.charAt(0).toUpperCase()}${plan.trigger.name.slice(1)}`;
  const queue = plan.action === 'sqs' ? batchQueues[plan.trigger.name]!.queue : undefined;
  const actionRole =
    queue === undefined
      ? undefined
      : new aws.iam.Role(`${logical}QueueRole`, {
          assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
          inlinePolicies: [
            { name: 'send-to-queue', policy: $jsonStringify(topicRuleQueuePolicy(queue.arn)) },
          ],
        });
  const rule = new aws.iot.TopicRule(logical, {
    name: plan.ruleName,
    description: plan.trigger.description,
    enabled: true,
    sql: plan.sql,
    sqlVersion: SQL_VERSION,
    ...(queue === undefined || actionRole === undefined
      ? { lambdas: [{ functionArn: fn.arn }] }
      : { sqs: [{ queueUrl: queue.url, roleArn: actionRole.arn, useBase64: false }] }),
    errorAction: {
      sqs: { queueUrl: deadLetters.primary.url, roleArn: errorActionRole.arn, useBase64: false },
    },
  });
  if (plan.action === 'lambda') {
    new aws.lambda.Permission(`${logical}Invoke`, {
      action: 'lambda:InvokeFunction',
      function: fn.name,
      principal: 'iot.amazonaws.com',
      sourceArn: rule.arn,
    });
  }
  return rule;
});

// Device Defender Detect is closed to new AWS customers since 2026-08-31 and has no @pulumi/aws
// resource: the fleet monitor computes the same behaviours from IoT lifecycle events and its own
// counters in both runtimes (docs/deploy.md says how to add a security profile where Detect exists).
