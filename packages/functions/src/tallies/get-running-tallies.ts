import { talliesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { monitoringScope } from '../web/scope';

/** `GET /monitor/tallies`: the running tally as officers follow it, an officer's own region only. */
export const handler = httpRoute(
  { name: 'getRunningTallies', query: talliesQuerySchema },
  async ({ query, app, principal }) => {
    const scope = monitoringScope(principal, query.regionId);
    if (!scope.ok) {
      countRejection('getRunningTallies', 'out-of-scope');
      return json(scope.status, { error: 'forbidden', message: scope.message });
    }
    return json(200, await app.tallies.running({ ...query, regionId: scope.regionId }));
  },
);
