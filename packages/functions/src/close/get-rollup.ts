import { closeQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { monitoringScope } from '../web/scope';

/** `GET /close/rollup`: reconciled, disagreeing and missing machines per booth, constituency, region, nation. */
export const handler = httpRoute(
  { name: 'getCloseRollup', query: closeQuerySchema },
  async ({ query, app, principal }) => {
    const scope = monitoringScope(principal, query.regionId);
    if (!scope.ok) {
      countRejection('getCloseRollup', 'out-of-scope');
      return json(scope.status, { error: 'forbidden', message: scope.message });
    }
    return json(200, await app.close.rollup(query.electionId, scope.regionId));
  },
);
