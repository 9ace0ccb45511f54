import { readTallies } from '@ballotstream/core';
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
    const filter = {
      ...(query.constituencyId === undefined ? {} : { constituencyId: query.constituencyId }),
      ...(scope.regionId === undefined ? {} : { regionId: scope.regionId }),
    };
    const electionId = query.electionId ?? app.config.electionId;
    return json(200, await readTallies(app.ports.records, electionId, query.level, filter));
  },
);
