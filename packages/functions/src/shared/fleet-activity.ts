import { activityOfIotLog, activityOfPublish } from '@ballotstream/core';
import type { FleetActivity, QueueBatchResponse } from '@ballotstream/events';
import { type App, currentApp, settle } from './deps';
import { iotLogEntriesOf, logSubscriptionOf, queuedPublishesOf } from './iot-signals';
import { countRejection, logger } from './observability';

/**
 * The local broker's `onActivity`: the same monitor the AWS presence rule feeds, run as no step
 * (the broker's, not the step whose message it saw) with the region's app or the installed one.
 * It never rejects; a failure is logged and counted. It resolves once the monitor is done, so the
 * broker can wait for it before the runtime closes the stores the monitor uses.
 */
export function observeBrokerActivity(activity: FleetActivity, app?: App): Promise<void> {
  return (app === undefined ? currentApp() : Promise.resolve(app))
    .then(async (app) => {
      await settle(app, await app.observeActivity(activity));
    })
    .catch((error: unknown) => {
      countRejection('observeActivity', 'failed');
      logger.error('fleet monitor failed', { error });
    });
}

/**
 * An SQS batch of the rule counting the machines' messages: each one fed to the fleet monitor;
 * one that failed is reported for a retry, a malformed one (the rule shaped it) counted and dropped.
 */
export async function observeQueuedPublishes(app: App, raw: unknown): Promise<QueueBatchResponse> {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const queued of queuedPublishesOf(raw)) {
    if (!queued.ok) {
      countRejection('observePublishes', 'malformed');
      continue;
    }
    await settle(app, await app.observeActivity(activityOfPublish(queued.publish))).catch(() =>
      batchItemFailures.push({ itemIdentifier: queued.messageId }),
    );
  }
  return { batchItemFailures };
}

/** A CloudWatch Logs delivery of IoT Core's log: each refused publish is an authorization failure for the monitor. */
export async function observeIotLog(
  app: App,
  raw: unknown,
): Promise<{ observed: number; violations: number }> {
  let observed = 0;
  let violations = 0;
  for (const entry of iotLogEntriesOf(logSubscriptionOf(raw))) {
    const activity = activityOfIotLog(entry);
    if (activity === undefined) continue;
    observed++;
    violations += (await settle(app, await app.observeActivity(activity))).length;
  }
  return { observed, violations };
}
