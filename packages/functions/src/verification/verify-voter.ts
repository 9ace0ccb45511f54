import { fromBase64url, mapOutcome } from '@ballotstream/core';
import { verificationRequestSchema } from '@ballotstream/events';
import { InvalidInputError } from '../shared/errors';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeRefusal, statusOfRefusal } from '../shared/refusals';

/** `POST /verifications`: verifies a voter at a booth and grants a one-time ballot token. */
export const handler = httpRoute(
  { name: 'verifyVoter', body: verificationRequestSchema },
  async ({ body, app }) => {
    // A sample that is base64url but not canonical would decode to bytes it does not spell.
    if (fromBase64url(body.fingerprint) === undefined) {
      throw new InvalidInputError('body', ['fingerprint: is not canonical base64url']);
    }
    return mapOutcome(await app.verifyVoter(body), (result) => {
      if (result.ok) return json(201, result.value);
      countRejection('verifyVoter', result.error);
      return json(statusOfRefusal(result.error), {
        error: result.error,
        message: describeRefusal(result.error),
      });
    });
  },
);
