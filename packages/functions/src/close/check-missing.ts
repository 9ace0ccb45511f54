import { markMissingAlerted, missingResultSignals, raiseAlert } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { alertRaised } from '@ballotstream/events';
import { scheduledHandler } from '../shared/events';

/**
 * On schedule after polls close: a machine whose result record has not come raises a warning
 * after the blueprint's grace, then a critical alert, to its region's officers.
 */
export const handler = scheduledHandler(async (app, firedAt) => {
  const { records, clock } = app.ports;
  const { config } = app;
  const signals = await missingResultSignals(
    records,
    config.electionId,
    firedAt,
    config.monitoring.closeOfPoll,
  );
  for (const signal of signals) {
    const { alert, isNew } = await raiseAlert(
      { records, clock, alerting: config.monitoring.alerting },
      signal,
    );
    if (isNew) await app.ports.publisher.publish([eventOf(alertRaised, alert)]);
    await markMissingAlerted(records, config.electionId, signal);
  }
  return { alerted: signals.length };
});
