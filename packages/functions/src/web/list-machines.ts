import { machinesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { monitoringScope } from './scope';

/** `GET /machines`: every machine of the caller's region (or the country) with its state and place. */
export const handler = httpRoute(
  { name: 'listMachines', query: machinesQuerySchema },
  async ({ query, app, principal }) => {
    const scope = monitoringScope(principal, query.regionId);
    if (!scope.ok) {
      countRejection('listMachines', 'out-of-scope');
      return json(scope.status, { error: 'forbidden', message: scope.message });
    }
    const machines = await app.fleet.listMachines(scope.regionId);
    return json(200, { regionId: scope.regionId ?? null, machines });
  },
);
