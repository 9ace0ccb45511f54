import type { Region } from '@ballotstream/functions/catalogue';
import type { Trigger } from '@ballotstream/functions/triggers';
import { deadLetters } from './bus';
import { account, allTriggers, inRegion, regions } from './context';
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

/** What a region's topic rules act on: each trigger's function and batch queue, and the dead letters. */
export interface TopicRuleTargets {
  readonly region: Region;
  /** Appended to every logical name: empty in the primary, `Secondary` in the secondary. */
  readonly suffix: string;
  readonly functionOf: (trigger: Trigger) => {
    readonly arn: $util.Input<string>;
    readonly name: $util.Input<string>;
  };
  readonly queueOf: (name: string) => aws.sqs.Queue;
  readonly deadLetters: aws.sqs.Queue;
}

/**
 * A topic rule per topic-rule trigger in one region, its SQL generated from the same topic
 * definition the local rule engine reads. Its action invokes the Lambda, or for a batch trigger
 * puts the SELECT output on the trigger's queue, which the Lambda reads in batches; a failed
 * action puts the message on the region's dead letters.
 */
export function topicRulesIn(targets: TopicRuleTargets): aws.iot.TopicRule[] {
  const { region, suffix } = targets;
  const errorActionRole = new aws.iam.Role(`TopicRuleErrorRole${suffix}`, {
    assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
    inlinePolicies: [
      {
        name: 'dead-letters',
        policy: $jsonStringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: targets.deadLetters.arn }],
        }),
      },
    ],
  });
  return topicRulePlans($app.stage, allTriggers).map((plan) => {
    const fn = targets.functionOf(plan.trigger);
    const logical = `TopicRule${plan.trigger.name.charAt(0).toUpperCase()}${plan.trigger.name.slice(1)}${suffix}`;
    const queue = plan.action === 'sqs' ? targets.queueOf(plan.trigger.name) : undefined;
    const actionRole =
      queue === undefined
        ? undefined
        : new aws.iam.Role(`${logical}QueueRole`, {
            assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
            inlinePolicies: [
              { name: 'send-to-queue', policy: $jsonStringify(topicRuleQueuePolicy(queue.arn)) },
            ],
          });
    const rule = new aws.iot.TopicRule(
      logical,
      {
        name: plan.ruleName,
        description: plan.trigger.description,
        enabled: true,
        sql: plan.sql,
        sqlVersion: SQL_VERSION,
        ...(queue === undefined || actionRole === undefined
          ? { lambdas: [{ functionArn: fn.arn }] }
          : { sqs: [{ queueUrl: queue.url, roleArn: actionRole.arn, useBase64: false }] }),
        errorAction: {
          sqs: { queueUrl: targets.deadLetters.url, roleArn: errorActionRole.arn, useBase64: false },
        },
      },
      inRegion(region),
    );
    if (plan.action === 'lambda') {
      new aws.lambda.Permission(
        `${logical}Invoke`,
        {
          action: 'lambda:InvokeFunction',
          function: fn.name,
          principal: 'iot.amazonaws.com',
          sourceArn: rule.arn,
        },
        inRegion(region),
      );
    }
    return rule;
  });
}

/** The primary region's topic rules. */
export const topicRules = topicRulesIn({
  region: 'primary',
  suffix: '',
  functionOf: (trigger) => functions[trigger.name]!,
  queueOf: (name) => batchQueues[name]!.queue,
  deadLetters: deadLetters.primary,
});

// Device Defender Detect is closed to new AWS customers since 2026-08-31 and has no @pulumi/aws
// resource: the fleet monitor computes the same behaviours from IoT lifecycle events and its own
// counters in both runtimes (docs/deploy.md says how to add a security profile where Detect exists).
