import type { DeviceAuditNotification, Severity } from '@ballotstream/events';
import { NATIONAL } from '../alerts/alerts';

/** One non-compliant Device Defender Audit check, as an anomaly for the national desk. */
export interface AuditFinding {
  readonly regionId: string;
  readonly rule: 'device-audit';
  readonly severity: Severity;
  readonly evidence: Readonly<Record<string, unknown>>;
}

// Checks that mean a machine's identity may be in the wrong hands: critical, the rest warnings.
const CRITICAL_CHECKS: ReadonlySet<string> = new Set([
  'DEVICE_CERTIFICATE_SHARED_CHECK',
  'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK',
  'REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK',
  'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
  'CONFLICTING_CLIENT_IDS_CHECK',
]);

/**
 * The findings of an audit task: each check that found non-compliant resources, addressed to
 * the national desk (the audit covers the account's whole fleet, no one region's machines).
 */
export function findingsOfAudit(notification: DeviceAuditNotification): AuditFinding[] {
  return notification.auditDetails
    .filter((check) => (check.nonCompliantResourcesCount ?? 0) > 0)
    .map((check) => ({
      regionId: NATIONAL,
      rule: 'device-audit' as const,
      severity: CRITICAL_CHECKS.has(check.checkName) ? 'critical' : 'warning',
      evidence: {
        check: check.checkName,
        nonCompliant: check.nonCompliantResourcesCount ?? 0,
        total: check.totalResourcesCount ?? 0,
        taskId: notification.taskId,
        ...(notification.scheduledAuditName === undefined ? {} : { audit: notification.scheduledAuditName }),
      },
    }));
}
