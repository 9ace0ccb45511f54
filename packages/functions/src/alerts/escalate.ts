import { escalateOverdue } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { alertEscalated } from '@ballotstream/events';
import { scheduledHandler } from '../shared/events';

/** On schedule: alerts not acknowledged in time are escalated to the national desk. */
export const handler = scheduledHandler(async (app, firedAt) => {
  const escalated = await escalateOverdue(
    { records: app.ports.records, clock: app.ports.clock, alerting: app.config.monitoring.alerting },
    firedAt,
  );
  if (escalated.length > 0)
    await app.ports.publisher.publish(escalated.map((a) => eventOf(alertEscalated, a)));
  return { escalated: escalated.length };
});
