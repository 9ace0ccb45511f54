import type { Monitoring } from '@ballotstream/core';

/** Detect evaluates a behaviour over one of these windows only. */
const DETECT_DURATION_SECONDS = 300;

export interface DetectBehavior {
  readonly name: string;
  readonly metric: string;
  readonly criteria: {
    readonly comparisonOperator: 'greater-than' | 'not-in-cidr-set';
    readonly value: { readonly count?: number; readonly cidrs?: readonly string[] };
    readonly durationSeconds?: number;
    readonly consecutiveDatapointsToAlarm: number;
    readonly consecutiveDatapointsToClear: number;
  };
}

/**
 * The Device Defender Detect behaviours that match the fleet monitor's thresholds, for accounts
 * that still have Detect. The fleet monitor counts per `windowMs` (authorization failures per
 * `authWindowMs`); Detect needs a five-minute window, so each count is scaled to it.
 * `allowedCidrs` adds the source-address behaviour.
 */
export function securityProfileBehaviors(
  fleet: Monitoring['fleet'],
  allowedCidrs: readonly string[] = [],
): DetectBehavior[] {
  const scale = (count: number, windowMs: number) =>
    Math.max(1, Math.round((count * DETECT_DURATION_SECONDS * 1000) / windowMs));
  const over = (name: string, metric: string, count: number, windowMs = fleet.windowMs): DetectBehavior => ({
    name,
    metric,
    criteria: {
      comparisonOperator: 'greater-than',
      value: { count: scale(count, windowMs) },
      durationSeconds: DETECT_DURATION_SECONDS,
      consecutiveDatapointsToAlarm: 1,
      consecutiveDatapointsToClear: 1,
    },
  });
  return [
    over(
      'AuthorizationFailures',
      'aws:num-authorization-failures',
      fleet.maxAuthFailures,
      fleet.authWindowMs,
    ),
    over('MessageRate', 'aws:num-messages-sent', fleet.maxMessages),
    over('ReconnectStorm', 'aws:num-connection-attempts', fleet.maxConnects),
    ...(allowedCidrs.length === 0
      ? []
      : [
          {
            name: 'UnexpectedSource',
            metric: 'aws:source-ip-address',
            criteria: {
              comparisonOperator: 'not-in-cidr-set' as const,
              value: { cidrs: allowedCidrs },
              consecutiveDatapointsToAlarm: 1,
              consecutiveDatapointsToClear: 1,
            },
          },
        ]),
  ];
}

/**
 * The Device Defender Audit checks the scheduled audit runs, each with its key in CloudFormation's
 * `AWS::IoT::AccountAuditConfiguration` `AuditCheckConfigurations`: a machine's certificate
 * expiring, shared or revoked but active, a policy granting too much, and logging turned off (the
 * refused-publish signals of `fleet-signals.ts` read IoT's log).
 */
export const AUDIT_CHECKS = {
  DEVICE_CERTIFICATE_EXPIRING_CHECK: 'DeviceCertificateExpiringCheck',
  DEVICE_CERTIFICATE_SHARED_CHECK: 'DeviceCertificateSharedCheck',
  REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: 'RevokedDeviceCertificateStillActiveCheck',
  IOT_POLICY_OVERLY_PERMISSIVE_CHECK: 'IotPolicyOverlyPermissiveCheck',
  LOGGING_DISABLED_CHECK: 'LoggingDisabledCheck',
} as const;

/** What the audit's CloudFormation template is made of: ARNs may be Pulumi outputs. */
export interface AuditPlanInput<R> {
  readonly stage: string;
  readonly accountId: R;
  /** The role Device Defender Audit assumes to read the account's IoT configuration. */
  readonly auditRoleArn: R;
  /** The topic the findings go to, and the role Audit assumes to publish to it. */
  readonly findingsTopicArn: R;
  readonly notificationRoleArn: R;
}

/**
 * The account's audit configuration and the stage's daily scheduled audit, as a CloudFormation
 * template (`@pulumi/aws` has no Audit resource; `stacks/defender.ts` deploys this through
 * `aws.cloudformation.Stack`). The configuration enables exactly the checks the schedule runs and
 * sends each finished task's notification to the findings topic, whose `auditFindings` Lambda
 * raises each non-compliant check for the national desk.
 */
export function auditTemplate<R>(input: AuditPlanInput<R>) {
  const checks = Object.keys(AUDIT_CHECKS) as (keyof typeof AUDIT_CHECKS)[];
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ballotstream ${input.stage}: Device Defender Audit of the machines' IoT configuration`,
    Resources: {
      AuditConfiguration: {
        Type: 'AWS::IoT::AccountAuditConfiguration',
        Properties: {
          AccountId: input.accountId,
          RoleArn: input.auditRoleArn,
          AuditCheckConfigurations: Object.fromEntries(
            checks.map((c) => [AUDIT_CHECKS[c], { Enabled: true }]),
          ),
          AuditNotificationTargetConfigurations: {
            Sns: { TargetArn: input.findingsTopicArn, RoleArn: input.notificationRoleArn, Enabled: true },
          },
        },
      },
      DailyAudit: {
        Type: 'AWS::IoT::ScheduledAudit',
        // A scheduled audit may name only checks the account's configuration enables.
        DependsOn: 'AuditConfiguration',
        Properties: {
          ScheduledAuditName: `ballotstream-${input.stage}-daily`,
          Frequency: 'DAILY',
          TargetCheckNames: checks,
        },
      },
    },
  };
}
