import { monitoringSchema, violationOfDefenderAlarm } from '@ballotstream/core';
import { describe, expect, it } from 'vitest';
import { AUDIT_CHECKS, auditTemplate, securityProfileBehaviors } from './defender';

const fleet = monitoringSchema.parse({}).fleet;

describe('the Device Defender security profile', () => {
  const behaviors = securityProfileBehaviors(fleet, ['10.0.0.0/8']);

  it('watches each behaviour the fleet monitor watches, and its alarms map back to it', () => {
    const expected = {
      AuthorizationFailures: 'authorization-failures',
      MessageRate: 'message-rate',
      ReconnectStorm: 'reconnect-storm',
      UnexpectedSource: 'unexpected-source',
    } as const;
    for (const behavior of behaviors) {
      const violation = violationOfDefenderAlarm({
        violationId: 'v-1',
        thingName: 'm-1',
        securityProfileName: 'ballotstream-test-machines',
        behavior: { name: behavior.name, metric: behavior.metric, criteria: { value: { count: 1 } } },
        metricValue: { count: 99 },
        violationEventType: 'in-alarm',
        violationEventTime: 1_790_000_000_000,
      } as Parameters<typeof violationOfDefenderAlarm>[0]);
      expect(violation?.behaviour, behavior.name).toBe(expected[behavior.name as keyof typeof expected]);
    }
    expect(behaviors.map((b) => b.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it("scales the fleet monitor's per-window counts to Detect's five-minute window", () => {
    const auth = behaviors.find((b) => b.name === 'AuthorizationFailures')!;
    expect(auth.criteria.durationSeconds).toBe(300);
    expect(auth.criteria.value.count).toBe(
      Math.round((fleet.maxAuthFailures * 300_000) / fleet.authWindowMs),
    );
    const rate = behaviors.find((b) => b.name === 'MessageRate')!;
    expect(rate.criteria.value.count).toBe(Math.round((fleet.maxMessages * 300_000) / fleet.windowMs));
  });

  it('leaves the source-address behaviour out when no address ranges are given', () => {
    expect(securityProfileBehaviors(fleet).some((b) => b.metric === 'aws:source-ip-address')).toBe(false);
  });
});

describe('the Device Defender Audit plan', () => {
  const template = auditTemplate({
    stage: 'test',
    accountId: '123456789012',
    auditRoleArn: 'arn:aws:iam::123456789012:role/audit',
    findingsTopicArn: 'arn:aws:sns:ap-south-1:123456789012:AuditFindings',
    notificationRoleArn: 'arn:aws:iam::123456789012:role/audit-notify',
  });
  const { AuditConfiguration: config, DailyAudit: schedule } = template.Resources;

  it('schedules a daily audit of the stage over exactly the checks the account enables', () => {
    expect(config.Type).toBe('AWS::IoT::AccountAuditConfiguration');
    expect(schedule.Type).toBe('AWS::IoT::ScheduledAudit');
    expect(schedule.Properties).toMatchObject({
      ScheduledAuditName: 'ballotstream-test-daily',
      Frequency: 'DAILY',
    });
    const enabled = Object.entries(config.Properties.AuditCheckConfigurations)
      .filter(([, c]) => c.Enabled)
      .map(([key]) => key);
    expect(schedule.Properties.TargetCheckNames.map((c) => AUDIT_CHECKS[c]).sort()).toEqual(enabled.sort());
    expect(schedule.DependsOn).toBe('AuditConfiguration');
  });

  it("sends every finished audit to the findings topic the national desk's Lambda reads", () => {
    expect(config.Properties.AuditNotificationTargetConfigurations.Sns).toEqual({
      TargetArn: 'arn:aws:sns:ap-south-1:123456789012:AuditFindings',
      RoleArn: 'arn:aws:iam::123456789012:role/audit-notify',
      Enabled: true,
    });
    expect(config.Properties).toMatchObject({
      AccountId: '123456789012',
      RoleArn: 'arn:aws:iam::123456789012:role/audit',
    });
  });

  it('audits the identity checks the findings raise as critical', () => {
    for (const check of ['DEVICE_CERTIFICATE_SHARED_CHECK', 'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK'])
      expect(schedule.Properties.TargetCheckNames).toContain(check);
  });
});
