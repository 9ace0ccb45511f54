import { principalClaimsSchema } from '@ballotstream/events';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Role } from '../triggers';

/** Who is calling, as the API's JWT authorizer established it. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  /** The region an officer is scoped to; national roles have none. */
  readonly regionId?: string;
}

// The same claims the local token issuer signs and a Cognito user pool's custom attributes carry.
const claimsSchema = principalClaimsSchema;

/**
 * Reads the caller from the JWT claims API Gateway puts in the request context (the local server
 * verifies the token and fills the same place); undefined for an anonymous request.
 */
export function principalOf(event: APIGatewayProxyEventV2): Principal | undefined {
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
