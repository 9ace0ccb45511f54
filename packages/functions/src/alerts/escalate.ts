import { escalateOverdue } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { alertEscalated } from '@ballotstream/events';
import { scheduledHandler } from '../shared/events';

/** On schedule: alerts not acknowledged in time are escalated to the national desk. */
export const handler = scheduledHandler(async (deps, firedAt) => {
  const escalated = await escalateOverdue(
    { records: deps.records, clock: deps.clock, alerting: deps.config.monitoring.alerting },
    firedAt,
  );
  if (escalated.length > 0) await deps.publisher.publish(escalated.map((a) => eventOf(alertEscalated, a)));
  return { escalated: escalated.length };
});
