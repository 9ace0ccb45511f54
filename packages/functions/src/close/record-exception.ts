import { recordCloseException } from '@ballotstream/core';
import { closeExceptionRequestSchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal, statusOfStepRefusal } from '../shared/refusals';

/**
 * `POST /close/constituencies/{constituencyId}/exceptions`: the returning officer records why a
 * machine that did not reconcile may be left out; audited; certifies the constituency if it was the last.
 */
export const handler = httpRoute(
  { name: 'recordCloseException', body: closeExceptionRequestSchema },
  async ({ body, params, app, principal }) => {
    if (principal === undefined)
      return json(statusOfRouteRefusal('unauthenticated'), { error: 'unauthorized' });
    const result = await recordCloseException(app.ports, {
      electionId: body.electionId ?? app.config.electionId,
      constituencyId: params.constituencyId ?? '',
      machineId: body.machineId,
      reason: body.reason,
      actor: principal,
    });
    if (!result.ok) {
      countRejection('recordCloseException', result.error.reason);
      return json(statusOfStepRefusal(result.error.reason), {
        error: result.error.reason,
        message: result.error.message,
      });
    }
    return json(200, result.value);
  },
);
