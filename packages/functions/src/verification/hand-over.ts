import { handOverRequestSchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { statusOfRouteRefusal, statusOfStepRefusal } from '../shared/refusals';

/**
 * `POST /verification/handover`: the national desk hands the election's voters to another region
 * (`App.verification.handOver`); 422 for a region the deployment has not, 409 for a refusal.
 */
export const handOver = httpRoute(
  { name: 'handOverVerification', body: handOverRequestSchema },
  async (input) => {
    const { principal, app, body } = input;
    if (principal === undefined)
      return json(statusOfRouteRefusal('unauthenticated'), { error: 'unauthorized' });
    const result = await app.verification.handOver(body, principal);
    if (result.ok) return json(200, result.value);
    return json(statusOfStepRefusal(result.error.error), result.error);
  },
);

/** `GET /verification/owner`: which region writes voter statuses, as this region's replica knows it. */
export const owner = httpRoute({ name: 'verificationOwner' }, async ({ app }) =>
  json(200, await app.verification.owner()),
);
