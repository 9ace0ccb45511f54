import { findingsOfAudit } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { anomalyDetected, deviceAuditNotificationSchema } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { deps } from '../shared/deps';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { countRejection, withLambdaContext } from '../shared/observability';

/**
 * Subscribed to Device Defender Audit's SNS target: each non-compliant check becomes an
 * `anomaly.detected` for the national desk, which the alerting raises and notifies as any other.
 * (The trigger table has no SNS kind; `stacks/` subscribes this function to the audit topic.)
 */
export const handler = middy<SNSEvent, { findings: number }, Error, Context>(async (event: SNSEvent) => {
  const d = await deps();
  let findings = 0;
  for (const record of event.Records ?? []) {
    let payload: unknown;
    try {
      payload = JSON.parse(record.Sns.Message);
    } catch {
      countRejection('auditFindings', 'malformed');
      throw new InvalidInputError('Sns.Message', ['is not valid JSON']);
    }
    const parsed = deviceAuditNotificationSchema.safeParse(payload);
    if (!parsed.success) {
      countRejection('auditFindings', 'invalid-notification');
      throw new InvalidInputError('Sns.Message', describeIssues(parsed.error));
    }
    const detectedAt = new Date(d.clock.now()).toISOString();
    const found = findingsOfAudit(parsed.data);
    if (found.length > 0)
      await d.publisher.publish(
        found.map((f) => eventOf(anomalyDetected, { ...f, evidence: { ...f.evidence }, detectedAt })),
      );
    findings += found.length;
  }
  return { findings };
}).use(withLambdaContext());
