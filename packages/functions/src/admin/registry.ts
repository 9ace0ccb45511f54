import type { RegistryChange } from '@ballotstream/core';
import { registryBodySchema, registryListQuerySchema } from '@ballotstream/events';
import { json } from '../shared/http';
import { registryRoute } from './registry-refusals';

/** `GET /admin/{entities}`: a page of one kind of registry entity, narrowed by region, constituency or booth. */
export const list = registryRoute(
  { name: 'listRegistry', query: registryListQuerySchema },
  (page) => json(200, page),
  ({ query, app }, { entity, actor }) => {
    const { limit, cursor, ...filter } = query;
    return app.registry.find({ entity, actor, limit, filter, ...(cursor === undefined ? {} : { cursor }) });
  },
);

/** `GET /admin/{entities}/{id}`: one registry entity. */
export const get = registryRoute(
  { name: 'getRegistry' },
  (stored) => json(200, stored),
  ({ app }, target) => app.registry.get(target),
);

/** `POST /admin/{entities}`: registers an entity, audits it and publishes `<entity>.created`. */
export const create = registryRoute(
  { name: 'createRegistry', body: registryBodySchema },
  (change: RegistryChange) => json(201, change.stored),
  ({ app, body }, { entity, actor }) => app.registry.create({ entity, body, actor }),
);

/** `PATCH /admin/{entities}/{id}`: changes fields of an entity, audits it and publishes `<entity>.updated`. */
export const update = registryRoute(
  { name: 'updateRegistry', body: registryBodySchema },
  (change: RegistryChange) => json(200, change.stored),
  ({ app, body }, { entity, id, actor }) => app.registry.update({ entity, id, patch: body, actor }),
);
