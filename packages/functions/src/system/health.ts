import { mapOutcome } from '@ballotstream/core';
import { httpRoute, json } from '../shared/http';
import { rejectionCounts } from '../shared/observability';
import { statusOfHealth } from '../shared/refusals';

/**
 * `GET /health`: each dependency up or down (503 while one is down, with a de-duplicated alert
 * raised, cleared when it is back), and the refused inputs counted so far.
 */
export const handler = httpRoute({ name: 'health' }, async ({ app }) => {
  const done = await app.system.health();
  return mapOutcome(done, (report) =>
    json(statusOfHealth(report.status === 'ok'), {
      status: report.status,
      ...report.dependencies,
      rejections: Object.fromEntries(rejectionCounts()),
    }),
  );
});
