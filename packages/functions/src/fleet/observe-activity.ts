import { mapOutcome } from '@ballotstream/core';
import { type FleetActivity, presenceEventSchema, type QueueBatchResponse } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { appFor } from '../shared/deps';
import { observeIotLog, observeQueuedPublishes } from '../shared/fleet-activity';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection, withLambdaContext } from '../shared/observability';

/** IoT rule target for `$aws/events/presence/+/+`: IoT Core's lifecycle events feed the fleet monitor. */
export const presence = topicRuleHandler<object>('observePresence', async (event, app) => {
  const checked = checkPayload(presenceEventSchema, event);
  if (!checked.ok) {
    countRejection('observePresence', 'malformed');
    return { observed: false, problems: checked.problems };
  }
  const p = checked.message;
  const activity: FleetActivity =
    p.eventType === 'connected'
      ? { kind: 'connected', clientId: p.clientId, address: p.ipAddress ?? 'unknown', at: p.timestamp }
      : { kind: 'disconnected', clientId: p.clientId, at: p.timestamp };
  return mapOutcome(await app.observeActivity(activity), (v) => ({ observed: true, violations: v.length }));
});

/**
 * SQS batch of the project's topic rule on the machines' topics (stacks/fleet-signals.ts): each
 * message counted toward its machine's message rate. Locally the broker reports the same.
 */
export const published = middy<unknown, QueueBatchResponse, Error, Context>(
  async (raw: unknown, context: Context) => observeQueuedPublishes(await appFor(context), raw),
).use(withLambdaContext());

/**
 * Subscribed to IoT Core's log group (stacks/fleet-signals.ts): each publish the policy refused
 * is an authorization failure for the fleet monitor, as Detect's behaviour would count it.
 */
export const authorizationFailures = middy<unknown, { observed: number; violations: number }, Error, Context>(
  async (raw: unknown, context: Context) => observeIotLog(await appFor(context), raw),
).use(withLambdaContext());
