import { activityOfIotLog, activityOfPublish } from '@ballotstream/core';
import { type FleetActivity, presenceEventSchema } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { deps } from '../shared/deps';
import { observeActivity } from '../shared/fleet-activity';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { iotLogEntriesOf, logSubscriptionOf, queuedPublishesOf } from '../shared/iot-signals';
import { countRejection, withLambdaContext } from '../shared/observability';

/** IoT rule target for `$aws/events/presence/+/+`: IoT Core's lifecycle events feed the fleet monitor. */
export const presence = topicRuleHandler('observePresence', async (event, deps) => {
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
  const violations = await observeActivity(deps, activity);
  return { observed: true, violations: violations.length };
});

/**
 * SQS batch of the project's topic rule on the machines' topics (stacks/fleet-signals.ts): each
 * message counted toward its machine's message rate. Locally the broker reports the same.
 */
export const published = middy<unknown, { batchItemFailures: { itemIdentifier: string }[] }, Error, Context>(
  async (raw: unknown) => {
    const d = await deps();
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const queued of queuedPublishesOf(raw)) {
      if (!queued.ok) {
        // A message the rule itself shaped cannot be fixed by a retry: counted and dropped.
        countRejection('observePublishes', 'malformed');
        continue;
      }
      await observeActivity(d, activityOfPublish(queued.publish)).catch(() =>
        batchItemFailures.push({ itemIdentifier: queued.messageId }),
      );
    }
    return { batchItemFailures };
  },
).use(withLambdaContext());

/**
 * Subscribed to IoT Core's log group (stacks/fleet-signals.ts): each publish the policy refused
 * is an authorization failure for the fleet monitor, as Detect's behaviour would count it.
 */
export const authorizationFailures = middy<unknown, { observed: number; violations: number }, Error, Context>(
  async (raw: unknown) => {
    const d = await deps();
    let observed = 0;
    let violations = 0;
    for (const entry of iotLogEntriesOf(logSubscriptionOf(raw))) {
      const activity = activityOfIotLog(entry);
      if (activity === undefined) continue;
      observed++;
      violations += (await observeActivity(d, activity)).length;
    }
    return { observed, violations };
  },
).use(withLambdaContext());
