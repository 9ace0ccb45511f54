import { machineDetail, recentMachineEvents, resultStatusOf } from '@ballotstream/core';
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
  const detail = await machineDetail(
    { records: app.ports.records, tracker: app.ports.tracker, now: app.ports.clock.now() },
    parsed.data.machineId,
  );
  // Another region's machine reads as absent: its existence is not the officer's to learn.
  if (detail === undefined || (scope.regionId !== undefined && detail.machine.regionId !== scope.regionId)) {
    countRejection('getMachine', 'not-found');
    return json(statusOfRouteRefusal('not-found'), {
      error: 'not-found',
      message: `machineId: no machine "${parsed.data.machineId}" in your scope`,
    });
  }
  const [events, result] = await Promise.all([
    recentMachineEvents(app.ports.records, parsed.data.machineId),
    resultStatusOf(app.ports.records, parsed.data.machineId),
  ]);
  const defender = events.filter((e) => e.behaviour !== undefined);
  return json(200, { ...detail, events, defender, ...(result === undefined ? {} : { result }) });
});
