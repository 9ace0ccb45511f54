import { assertNever, type RegistryRefusal } from '@ballotstream/core';
import { type HttpResponse, json } from '../shared/http';
import { countRejection } from '../shared/observability';

/** The one place a registry refusal becomes an HTTP response; it is counted on the way. */
export function registryRefused(route: string, refusal: RegistryRefusal): HttpResponse {
  countRejection(route, refusal.reason);
  const body = { error: refusal.reason, ...refusal };
  switch (refusal.reason) {
    case 'invalid':
      return json(400, body);
    case 'out-of-scope':
      return json(403, body);
    case 'not-found':
      return json(404, body);
    case 'already-exists':
    case 'conflict':
    case 'frozen':
      return json(409, body);
    case 'unknown-reference':
      return json(422, body);
    default:
      return assertNever(refusal);
  }
}

/** A caller whose role the registry does not serve (the route's roles should already prevent it). */
export function notForRole(): HttpResponse {
  return json(403, { error: 'forbidden', message: 'this role may not use the registry' });
}
