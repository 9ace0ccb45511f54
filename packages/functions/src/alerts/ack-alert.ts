import { acknowledgeAlert } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { alertAcknowledged } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { statusOfRouteRefusal, statusOfStepRefusal } from '../shared/refusals';

/** `POST /alerts/{alertId}/ack`: an officer of the alert's region (or an admin) acknowledges it; audited. */
export const handler = httpRoute({ name: 'ackAlert' }, async ({ principal, app, params }) => {
  if (principal === undefined)
    return json(statusOfRouteRefusal('unauthenticated'), { error: 'unauthorized' });
  const result = await acknowledgeAlert(
    { records: app.ports.records, clock: app.ports.clock, alerting: app.config.monitoring.alerting },
    params.alertId ?? '',
    principal,
  );
  // Another region's alert reads as absent, as a machine does.
  if (!result.ok) return json(statusOfStepRefusal(result.error), { error: result.error });
  const { alert, changed } = result.value;
  if (changed)
    await app.ports.publisher.publish([
      eventOf(alertAcknowledged, {
        alertId: alert.alertId,
        region: alert.region,
        by: `${principal.role}:${principal.subject}`,
        at: new Date(alert.acknowledgedAt ?? app.ports.clock.now()).toISOString(),
      }),
    ]);
  return json(200, { alert, changed });
});
