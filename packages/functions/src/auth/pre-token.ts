import { preTokenGenerationEventSchema } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { countRejection, logger } from '../shared/observability';
import { accessTokenOverrides, type SignInRefusal } from './token-claims';

/** A sign-in the pre token generation trigger refuses; Cognito then issues no token at all. */
export class SignInRefusedError extends Error {
  override readonly name = 'SignInRefusedError';
  constructor(readonly refusal: SignInRefusal) {
    super(refusal.message);
  }
}

/**
 * Cognito's pre token generation trigger (event version 3, so machine client-credentials grants
 * pass through it too): writes `custom:role` and, for an officer, `custom:region` into the access
 * token from the caller's Cognito groups, and leaves the token the scope of that role alone. A
 * person with no role, several roles, or an officer without one region gets no token.
 */
export const handler = middy<unknown, unknown, Error, Context>(async (raw: unknown) => {
  const parsed = preTokenGenerationEventSchema.safeParse(raw);
  if (!parsed.success)
    throw new InvalidInputError('pre token generation event', describeIssues(parsed.error));
  const event = parsed.data;
  const result = accessTokenOverrides(event);
  if (!result.ok) {
    countRejection('preTokenGeneration', result.error.reason);
    logger.warn('sign-in refused', { reason: result.error.reason, clientId: event.callerContext.clientId });
    throw new SignInRefusedError(result.error);
  }
  const { claimsToAddOrOverride, scopesToAdd, scopesToSuppress } = result.value;
  // Cognito reads the answer from the event it sent, with `response` filled in.
  return {
    ...(raw as Record<string, unknown>),
    response: {
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: {
          claimsToAddOrOverride: { ...claimsToAddOrOverride },
          scopesToAdd: [...scopesToAdd],
          scopesToSuppress: [...scopesToSuppress],
        },
      },
    },
  };
});
