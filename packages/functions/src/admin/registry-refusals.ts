import {
  isOutcome,
  mapOutcome,
  type Outcome,
  type RegistryActor,
  type RegistryRefusal,
  type Result,
  registryActor,
} from '@ballotstream/core';
import { entityPlurals, type RegistryEntity, registryPathSchema } from '@ballotstream/events';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { type HttpInput, type HttpResponse, type HttpRouteSpec, httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRegistryRefusal, statusOfRouteRefusal } from '../shared/refusals';

/** The one place a registry refusal becomes an HTTP response; it is counted on the way. */
export function registryRefused(route: string, refusal: RegistryRefusal): HttpResponse {
  countRejection(route, refusal.reason);
  return json(statusOfRegistryRefusal(refusal.reason), { error: refusal.reason, ...refusal });
}

/** A caller whose role the registry does not serve (the route's roles should already prevent it). */
export function notForRole(): HttpResponse {
  return json(statusOfRouteRefusal('forbidden'), {
    error: 'forbidden',
    message: 'this role may not use the registry',
  });
}

/** The entity kind and id a registry route's path names (400 for a kind the registry has not). */
export function entityOf(params: Readonly<Record<string, string | undefined>>): {
  entity: RegistryEntity;
  id: string;
} {
  const parsed = registryPathSchema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError('path', describeIssues(parsed.error));
  return { entity: entityPlurals[parsed.data.entities]!, id: parsed.data.id ?? '' };
}

type Answer<T> = Result<T, RegistryRefusal>;

/** What a registry route acts on: the entity its path names, and the caller as the registry sees it. */
export interface RegistryTarget {
  readonly entity: RegistryEntity;
  readonly id: string;
  readonly actor: RegistryActor;
}

/**
 * A registry route: the path's entity and the caller are read first (400, 403), then the call's
 * answer is mapped, a refusal through `registryRefused`.
 */
export function registryRoute<B, Q, T>(
  spec: HttpRouteSpec<B, Q>,
  answered: (value: T) => HttpResponse,
  call: (input: HttpInput<B, Q>, target: RegistryTarget) => Promise<Answer<T> | Outcome<Answer<T>>>,
) {
  return httpRoute(spec, async (input) => {
    const where = entityOf(input.params);
    const actor = registryActor(input.principal);
    if (actor === undefined) return notForRole();
    const done = await call(input, { ...where, actor });
    const answer = (r: Answer<T>) => (r.ok ? answered(r.value) : registryRefused(spec.name, r.error));
    return isOutcome(done) ? mapOutcome(done, answer) : answer(done);
  });
}
