import { listMachineViews } from '@ballotstream/core';
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
    const machines = await listMachineViews(
      // The map needs only each machine's latest fix; older than this, it is offline anyway.
      {
        records: app.ports.records,
        tracker: app.ports.tracker,
        now: app.ports.clock.now(),
        fixWindowMs: 10 * 60_000,
      },
      scope.regionId,
    );
    return json(200, { regionId: scope.regionId ?? null, machines });
  },
);
