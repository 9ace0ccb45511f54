import { changeDetail, createEntity, findEntities, getEntity, updateEntity } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import {
  entityPlurals,
  type RegistryEntity,
  registryBodySchema,
  registryChangeEvents,
  registryListQuerySchema,
  registryPathSchema,
} from '@ballotstream/events';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { httpRoute, json } from '../shared/http';
import { registryActor } from './actor';
import { notForRole, registryRefused } from './registry-refusals';

function entityOf(params: Readonly<Record<string, string | undefined>>): {
  entity: RegistryEntity;
  id: string;
} {
  const parsed = registryPathSchema.safeParse(params);
  if (!parsed.success) throw new InvalidInputError('path', describeIssues(parsed.error));
  return { entity: entityPlurals[parsed.data.entities]!, id: parsed.data.id ?? '' };
}

/** `GET /admin/{entities}`: a page of one kind of registry entity, narrowed by region, constituency or booth. */
export const list = httpRoute(
  { name: 'listRegistry', query: registryListQuerySchema },
  async ({ params, query, deps, principal }) => {
    const { entity } = entityOf(params);
    const actor = registryActor(principal);
    if (actor === undefined) return notForRole();
    const { limit, cursor, ...filter } = query;
    const result = await findEntities(deps, {
      entity,
      actor,
      limit,
      filter,
      ...(cursor === undefined ? {} : { cursor }),
    });
    return result.ok ? json(200, result.value) : registryRefused('listRegistry', result.error);
  },
);

/** `GET /admin/{entities}/{id}`: one registry entity. */
export const get = httpRoute({ name: 'getRegistry' }, async ({ params, deps, principal }) => {
  const { entity, id } = entityOf(params);
  const actor = registryActor(principal);
  if (actor === undefined) return notForRole();
  const result = await getEntity(deps, { entity, id, actor });
  return result.ok ? json(200, result.value) : registryRefused('getRegistry', result.error);
});

/** `POST /admin/{entities}`: registers an entity, audits it and publishes `<entity>.created`. */
export const create = httpRoute(
  { name: 'createRegistry', body: registryBodySchema },
  async ({ params, body, deps, principal }) => {
    const { entity } = entityOf(params);
    const actor = registryActor(principal);
    if (actor === undefined) return notForRole();
    const result = await createEntity(deps, { entity, body, actor });
    if (!result.ok) return registryRefused('createRegistry', result.error);
    await deps.publisher.publish([
      eventOf(registryChangeEvents[entity].created, changeDetail(deps.clock.now(), result.value) as never),
    ]);
    return json(201, result.value.stored);
  },
);

/** `PATCH /admin/{entities}/{id}`: changes fields of an entity, audits it and publishes `<entity>.updated`. */
export const update = httpRoute(
  { name: 'updateRegistry', body: registryBodySchema },
  async ({ params, body, deps, principal }) => {
    const { entity, id } = entityOf(params);
    const actor = registryActor(principal);
    if (actor === undefined) return notForRole();
    const result = await updateEntity(deps, { entity, id, patch: body, actor });
    if (!result.ok) return registryRefused('updateRegistry', result.error);
    await deps.publisher.publish([
      eventOf(registryChangeEvents[entity].updated, changeDetail(deps.clock.now(), result.value) as never),
    ]);
    return json(200, result.value.stored);
  },
);
