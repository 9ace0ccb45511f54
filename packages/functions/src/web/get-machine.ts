import { machinePathSchema } from '@ballotstream/events';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';
import { monitoringScope } from './scope';

/**
 * `GET /machines/{machineId}`: a machine's state, booth, position trail, recent events, Defender
 * behaviours and result-record check, within the caller's region.
 */
export const handler = httpRoute({ name: 'getMachine' }, async ({ params, app, principal }) => {
  const parsed = machinePathSchema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError('path', describeIssues(parsed.error));
  const scope = monitoringScope(principal, undefined);
  if (!scope.ok) return json(scope.status, { error: 'forbidden', message: scope.message });
  const page = await app.fleet.machinePage(parsed.data.machineId, scope.regionId);
  if (page === undefined) {
    countRejection('getMachine', 'not-found');
    return json(statusOfRouteRefusal('not-found'), {
      error: 'not-found',
      message: `machineId: no machine "${parsed.data.machineId}" in your scope`,
    });
  }
  return json(200, page);
});
