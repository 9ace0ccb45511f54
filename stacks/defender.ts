import { blueprintEnvironment } from '@ballotstream/core';
import { SNS_SUBSCRIBERS } from '@ballotstream/functions/links';
import type { Trigger } from '@ballotstream/functions/triggers';
import { deadLetters } from './bus';
import { account, blueprint } from './context';
import { arnsIn } from './functions';
import { auditTemplate } from './lib/defender';
import { functionEnvironment, handlerPath } from './lib/functions';
import { statementsFor } from './lib/permissions';
import { linksOf } from './links';

/**
 * Where Device Defender Detect sends its alarms, for accounts that still have Detect (closed
 * to new customers since 2026-08-31). The security profile itself is created with the CLI
 * (docs/deploy.md): `@pulumi/aws` has no resource for it. Each alarm becomes the same
 * `defender.violation` event the fleet monitor publishes.
 */
export const defenderAlerts = new sst.aws.SnsTopic('DefenderAlerts');

/** The role Device Defender assumes to publish to the alert topic. */
export const defenderAlertRole = new aws.iam.Role('DefenderAlertRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  inlinePolicies: [
    {
      name: 'publish-alerts',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: defenderAlerts.arn }],
      }),
    },
  ],
});

/**
 * Where Device Defender Audit sends its notifications when an audit task ends (Audit is open to
 * every account). The account's audit configuration and the daily scheduled audit are below.
 */
export const auditFindings = new sst.aws.SnsTopic('AuditFindings');

/** The role Device Defender Audit assumes to publish to the audit topic. */
export const auditNotificationRole = new aws.iam.Role('AuditNotificationRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  inlinePolicies: [
    {
      name: 'publish-findings',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: auditFindings.arn }],
      }),
    },
  ],
});

/** The role Device Defender Audit assumes to read the account's IoT configuration. */
const auditRole = new aws.iam.Role('DeviceAuditRole', {
  assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: 'iot.amazonaws.com' }),
  managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSIoTDeviceDefenderAudit'],
});

/**
 * The account's audit configuration and the stage's daily scheduled audit (`auditTemplate`):
 * `@pulumi/aws` has no Audit resource, CloudFormation has both. The configuration is one per
 * account and region, so one stage per account owns it.
 */
export const deviceAudit = new aws.cloudformation.Stack('DeviceDefenderAudit', {
  name: `ballotstream-${$app.stage}-device-audit`,
  templateBody: $jsonStringify(
    auditTemplate({
      stage: $app.stage,
      accountId: account,
      auditRoleArn: auditRole.arn,
      findingsTopicArn: auditFindings.arn,
      notificationRoleArn: auditNotificationRole.arn,
    }),
  ),
});

const topics = { defenderAlerts, auditFindings };

for (const subscriber of SNS_SUBSCRIBERS) {
  // An SNS subscriber reaches nothing but the bus it publishes to, like an http step of the table.
  const asStep = {
    ...subscriber,
    kind: 'http',
    method: 'POST',
    path: '/',
    roles: [],
    reaches: {},
  } as Trigger;
  topics[subscriber.topic].subscribe(subscriber.name.charAt(0).toUpperCase() + subscriber.name.slice(1), {
    handler: handlerPath(asStep),
    runtime: 'nodejs22.x',
    architecture: 'arm64',
    link: linksOf(asStep),
    permissions: [
      ...statementsFor(asStep, arnsIn('primary')).map((s) => ({
        actions: [...s.actions],
        resources: [...s.resources],
      })),
      { actions: ['sqs:SendMessage'], resources: [deadLetters.primary.arn] },
    ],
    environment: functionEnvironment(subscriber, blueprintEnvironment(blueprint), $app.stage),
    // SNS invokes the Lambda asynchronously: an alarm it fails on every retry goes to the dead letters.
    retries: 2,
    transform: {
      eventInvokeConfig: (args: aws.lambda.FunctionEventInvokeConfigArgs) => {
        args.destinationConfig = { onFailure: { destination: deadLetters.primary.arn } };
      },
    },
  });
}
