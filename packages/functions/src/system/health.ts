import { checkDependencies, platformProbes } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { alertRaised } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { rejectionCounts } from '../shared/observability';
import { statusOfHealth } from '../shared/refusals';

/**
 * `GET /health`: each dependency up or down (503 while one is down, with a de-duplicated alert
 * raised, cleared when it is back), and the refused inputs counted so far.
 */
export const handler = httpRoute({ name: 'health' }, async ({ app }) => {
  const { records, clock, publisher } = app.ports;
  const report = await checkDependencies(
    { records, clock, alerting: app.config.monitoring.alerting },
    platformProbes(app.ports),
  );
  if (report.raised.length > 0) await publisher.publish(report.raised.map((a) => eventOf(alertRaised, a)));
  return json(statusOfHealth(report.status === 'ok'), {
    status: report.status,
    ...report.dependencies,
    rejections: Object.fromEntries(rejectionCounts()),
  });
});
