import { closeQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { monitoringScope } from '../web/scope';

/** `GET /close/certification`: certified or pending per constituency, with when each was certified. */
export const handler = httpRoute(
  { name: 'getCertification', query: closeQuerySchema },
  async ({ query, app, principal }) => {
    const scope = monitoringScope(principal, query.regionId);
    if (!scope.ok) {
      countRejection('getCertification', 'out-of-scope');
      return json(scope.status, { error: 'forbidden', message: scope.message });
    }
    return json(200, await app.close.certifications(query.electionId, scope.regionId));
  },
);
