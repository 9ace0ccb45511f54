import { deviceAuditNotificationSchema } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { findingsOfAudit } from './audit-findings';

// A scheduled audit's notification as Device Defender Audit publishes it to its SNS target.
const notification = deviceAuditNotificationSchema.parse({
  accountId: '123456789012',
  taskId: 'task-1',
  taskStatus: 'COMPLETED',
  taskType: 'SCHEDULED_AUDIT_TASK',
  scheduledAuditName: 'ballotstream-national-general-daily',
  failedChecksCount: 0,
  canceledChecksCount: 0,
  nonCompliantChecksCount: 2,
  compliantChecksCount: 1,
  totalChecksCount: 3,
  taskStartTime: 1_700_000_000_000,
  auditDetails: [
    {
      checkName: 'DEVICE_CERTIFICATE_SHARED_CHECK',
      checkRunStatus: 'COMPLETED_NON_COMPLIANT',
      nonCompliantResourcesCount: 2,
      totalResourcesCount: 900,
    },
    {
      checkName: 'DEVICE_CERTIFICATE_EXPIRING_CHECK',
      checkRunStatus: 'COMPLETED_NON_COMPLIANT',
      nonCompliantResourcesCount: 7,
      totalResourcesCount: 900,
    },
    {
      checkName: 'LOGGING_DISABLED_CHECK',
      checkRunStatus: 'COMPLETED_COMPLIANT',
      nonCompliantResourcesCount: 0,
      totalResourcesCount: 1,
    },
  ],
});

describe('Device Defender Audit findings', () => {
  it('turns each non-compliant check into a finding for the national desk, a shared certificate critical', () => {
    expect(findingsOfAudit(notification)).toEqual([
      {
        regionId: 'national',
        rule: 'device-audit',
        severity: 'critical',
        evidence: expect.objectContaining({
          check: 'DEVICE_CERTIFICATE_SHARED_CHECK',
          nonCompliant: 2,
          taskId: 'task-1',
        }),
      },
      expect.objectContaining({
        severity: 'warning',
        evidence: expect.objectContaining({ nonCompliant: 7 }),
      }),
    ]);
  });
});
