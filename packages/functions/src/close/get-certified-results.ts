import { closeQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';

/** `GET /results/certification`: which constituencies are certified and when, public once polls close. */
export const handler = httpRoute(
  { name: 'getCertifiedResults', query: closeQuerySchema },
  async ({ query, app }) => {
    const report = await app.close.certifiedResults(query.electionId, query.regionId);
    if (report.ok) return json(200, report.value);
    countRejection('getCertifiedResults', 'polls-open');
    return json(statusOfRouteRefusal('forbidden'), { error: 'forbidden', message: report.error });
  },
);
