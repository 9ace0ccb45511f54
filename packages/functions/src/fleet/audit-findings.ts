import { deviceAuditNotificationSchema } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { appFor, settle } from '../shared/deps';
import { withLambdaContext } from '../shared/observability';
import { snsMessages } from '../shared/sns';

/**
 * Subscribed to Device Defender Audit's SNS target: each non-compliant check becomes an
 * `anomaly.detected` for the national desk (`App.fleet.auditFindings`), which the alerting raises
 * and notifies as any other. (The trigger table has no SNS kind; `stacks/` subscribes this
 * function to the audit topic.)
 */
export const handler = middy<SNSEvent, { findings: number }, Error, Context>(
  async (event: SNSEvent, context: Context) => {
    const notifications = snsMessages('auditFindings', deviceAuditNotificationSchema, event);
    const app = await appFor(context);
    return settle(app, app.fleet.auditFindings(notifications));
  },
).use(withLambdaContext());
