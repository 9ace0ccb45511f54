import { raiseAlert, verificationConflict } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { alertRaised } from '@ballotstream/events';
import { tableStreamHandler } from '../shared/stream';

/**
 * On a change of the voters table seen in a region's replica stream: a voter's vote replaced by
 * another region's vote for the same voter (global tables keep the last writer) is a double the
 * fence should have prevented, so the national desk gets a critical alert naming both writers.
 */
export const handler = tableStreamHandler('detectVerificationConflict', async (changes, app) => {
  const { records, clock, publisher } = app.ports;
  for (const change of changes) {
    const conflict = verificationConflict(change.before, change.after);
    if (conflict === undefined) continue;
    const { alert, isNew } = await raiseAlert(
      { records, clock, alerting: app.config.monitoring.alerting },
      {
        kind: 'verification-conflict',
        severity: 'critical',
        subject: {},
        evidence: { voterRecord: conflict.voterRecord, writers: conflict.writers, seenIn: change.region },
        at: clock.now(),
      },
    );
    if (isNew) await publisher.publish([eventOf(alertRaised, alert)]);
  }
  return [];
});
