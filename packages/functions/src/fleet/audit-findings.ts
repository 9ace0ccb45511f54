import { findingsOfAudit } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { anomalyDetected, deviceAuditNotificationSchema } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { appFor } from '../shared/deps';
import { withLambdaContext } from '../shared/observability';
import { snsMessages } from '../shared/sns';

/**
 * Subscribed to Device Defender Audit's SNS target: each non-compliant check becomes an
 * `anomaly.detected` for the national desk, which the alerting raises and notifies as any other.
 * (The trigger table has no SNS kind; `stacks/` subscribes this function to the audit topic.)
 */
export const handler = middy<SNSEvent, { findings: number }, Error, Context>(
  async (event: SNSEvent, context: Context) => {
    const notifications = snsMessages('auditFindings', deviceAuditNotificationSchema, event);
    const { clock, publisher } = (await appFor(context)).ports;
    const detectedAt = new Date(clock.now()).toISOString();
    const found = notifications.flatMap((n) => findingsOfAudit(n));
    if (found.length > 0)
      await publisher.publish(
        found.map((f) => eventOf(anomalyDetected, { ...f, evidence: { ...f.evidence }, detectedAt })),
      );
    return { findings: found.length };
  },
).use(withLambdaContext());
