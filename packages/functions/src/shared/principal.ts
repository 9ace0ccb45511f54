import type { Actor } from '@ballotstream/core';
import { principalClaimsSchema } from '@ballotstream/events';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

// The same claims the local token issuer signs and a Cognito user pool's custom attributes carry.
const claimsSchema = principalClaimsSchema;

/**
 * Reads the caller from the JWT claims API Gateway puts in the request context (the local server
 * verifies the token and fills the same place); undefined for an anonymous request.
 */
export function principalOf(event: APIGatewayProxyEventV2): Actor | undefined {
  const context = event.requestContext as { authorizer?: { jwt?: { claims?: unknown } } };
  const parsed = claimsSchema.safeParse(context.authorizer?.jwt?.claims);
  if (!parsed.success) return undefined;
  const claims = parsed.data;
  return {
    subject: claims.sub,
    role: claims['custom:role'],
    ...(claims['custom:region'] === undefined ? {} : { regionId: claims['custom:region'] }),
  };
}
