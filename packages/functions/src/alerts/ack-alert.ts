import { mapOutcome } from '@ballotstream/core';
import { httpRoute, json, noCaller } from '../shared/http';
import { statusOfStepRefusal } from '../shared/refusals';

/** `POST /alerts/{alertId}/ack`: an officer of the alert's region (or an admin) acknowledges it; audited. */
export const handler = httpRoute({ name: 'ackAlert' }, async ({ principal, app, params }) => {
  if (principal === undefined) return noCaller();
  const done = await app.alerts.acknowledge(params.alertId ?? '', principal);
  // Another region's alert reads as absent, as a machine does.
  return mapOutcome(done, (result) =>
    result.ok
      ? json(200, { alert: result.value.alert, changed: result.value.changed })
      : json(statusOfStepRefusal(result.error), { error: result.error }),
  );
});
