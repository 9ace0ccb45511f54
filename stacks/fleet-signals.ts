import { blueprintEnvironment } from '@ballotstream/core';
import { MACHINE_TOPIC_LEVEL, machineTopicsTopic, topicFilter } from '@ballotstream/events';
import { FLEET_SIGNAL_STEPS } from '@ballotstream/functions/links';
import { type Trigger, topicRuleSql } from '@ballotstream/functions/triggers';
import { deadLetters } from './bus';
import { vpc } from './cache';
import { blueprint } from './context';
import { arnsIn } from './functions';
import { functionEnvironment, handlerPath } from './lib/functions';
import { statementsFor } from './lib/permissions';
import { topicRuleQueuePolicy } from './lib/queues';
import { SQL_VERSION } from './lib/topic-rules';
import { linksOf } from './links';

/**
 * Device security without Device Defender Detect (closed to new customers since 2026-08-31):
 * the fleet monitor the presence rule already feeds also gets each machine's messages (a topic
 * rule on the machines' topics, read in batches through a queue) and the publishes IoT Core's
 * policy refused (IoT's own CloudWatch log, through a subscription filter). Both Lambdas reach
 * what the presence step reaches: the registry, the cache holding the monitor's windows, and
 * the bus for `defender.violation`.
 */
// An http-shaped step: a Lambda that reaches exactly what the step declares, like the SNS subscribers.
const asStep = (step: (typeof FLEET_SIGNAL_STEPS)[keyof typeof FLEET_SIGNAL_STEPS]): Trigger =>
  ({ ...step, kind: 'http', method: 'POST', path: '/', roles: [] }) as unknown as Trigger;

function signalFunction(
  name: string,
  step: Trigger,
  extra: { actions: string[]; resources: $util.Input<string>[] }[],
) {
  return new sst.aws.Function(name, {
    handler: handlerPath(step),
    description: step.description,
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    link: linksOf(step),
    permissions: [
      ...statementsFor(step, arnsIn('primary')).map((s) => ({
        actions: [...s.actions],
        resources: [...s.resources],
      })),
      ...extra,
    ],
    environment: functionEnvironment(step, blueprintEnvironment(blueprint), $app.stage),
    vpc,
  });
}

// Messages: every publish on a machine's rule topics, its client id and the broker's time.
const publishes = new sst.aws.Queue('MachinePublishes', { visibilityTimeout: '2 minutes' });
const publishesRole = new aws.iam.Role('MachinePublishesRuleRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  inlinePolicies: [{ name: 'send-to-queue', policy: $jsonStringify(topicRuleQueuePolicy(publishes.arn)) }],
});
new aws.iot.TopicRule('TopicRuleObservePublishes', {
  name: `ballotstream_${$app.stage.replace(/-/g, '_')}_observe_publishes`,
  description: FLEET_SIGNAL_STEPS.publishes.description,
  enabled: true,
  sql: topicRuleSql(
    [
      { as: 'clientId', fn: 'clientid' },
      // The leaf (votes, position, sos, results) names what the machine sent.
      { as: 'topic', fn: 'topic', level: MACHINE_TOPIC_LEVEL + 1 },
      { as: 'receivedAt', fn: 'timestamp' },
    ],
    topicFilter($app.stage, machineTopicsTopic),
  ),
  sqlVersion: SQL_VERSION,
  sqs: [{ queueUrl: publishes.url, roleArn: publishesRole.arn, useBase64: false }],
  errorAction: { sqs: { queueUrl: deadLetters.primary.url, roleArn: publishesRole.arn, useBase64: false } },
});
const observePublishes = signalFunction('ObservePublishes', asStep(FLEET_SIGNAL_STEPS.publishes), [
  {
    actions: [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ChangeMessageVisibility',
    ],
    resources: [publishes.arn],
  },
]);
publishes.subscribe(observePublishes.arn, {
  batch: { size: 100, window: '5 seconds', partialResponses: true },
});

// Authorization failures: IoT Core logs each refused publish at ERROR; a filter hands those over.
const loggingRole = new aws.iam.Role('IotLoggingRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSIoTLogging'],
});
new aws.iot.LoggingOptions('IotLogging', { defaultLogLevel: 'ERROR', roleArn: loggingRole.arn });
const iotLogs = new aws.cloudwatch.LogGroup('IotLogs', { name: 'AWSIotLogsV2', retentionInDays: 30 });
const observeFailures = signalFunction(
  'ObserveAuthorizationFailures',
  asStep(FLEET_SIGNAL_STEPS.authorizationFailures),
  [],
);
const allowLogs = new aws.lambda.Permission('IotLogsInvoke', {
  action: 'lambda:InvokeFunction',
  function: observeFailures.name,
  principal: 'logs.amazonaws.com',
  sourceArn: $interpolate`${iotLogs.arn}:*`,
});
new aws.cloudwatch.LogSubscriptionFilter(
  'IotAuthorizationFailures',
  {
    logGroup: iotLogs.name,
    filterPattern:
      '{ ($.eventType = "Publish-In") && ($.status = "Failure") && ($.reason = "AUTHORIZATION_FAILURE") }',
    destinationArn: observeFailures.arn,
  },
  { dependsOn: [allowLogs] },
);

export const fleetSignals = { publishes, iotLogs };
