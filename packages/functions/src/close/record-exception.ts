import { closeExceptionRequestSchema } from '@ballotstream/events';
import { httpRoute, json, noCaller } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfStepRefusal } from '../shared/refusals';

/**
 * `POST /close/constituencies/{constituencyId}/exceptions`: the returning officer records why a
 * machine that did not reconcile may be left out; audited; certifies the constituency if it was the last.
 */
export const handler = httpRoute(
  { name: 'recordCloseException', body: closeExceptionRequestSchema },
  async ({ body, params, app, principal }) => {
    if (principal === undefined) return noCaller();
    const result = await app.close.recordException({
      ...(body.electionId === undefined ? {} : { electionId: body.electionId }),
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
