import type { FleetActivity } from '@ballotstream/events';
import { currentApp, settle } from './deps';
import { countRejection, logger } from './observability';

/**
 * The local broker's `onActivity`: the same monitor the AWS presence rule feeds. It never throws
 * into the broker; a failure is logged and counted.
 */
export function observeBrokerActivity(activity: FleetActivity): void {
  void currentApp()
    .then(async (app) => settle(app, await app.observeActivity(activity)))
    .catch((error: unknown) => {
      countRejection('observeActivity', 'failed');
      logger.error('fleet monitor failed', { error });
    });
}
