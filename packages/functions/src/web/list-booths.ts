import { boothSearchQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/** `GET /booths`: booths nearest a point or matching words, or a page of them, with their geofence, for anyone. */
export const handler = httpRoute(
  { name: 'listBooths', query: boothSearchQuerySchema },
  async ({ query, app }) => {
    const page = await app.citizen.booths({
      limit: query.limit,
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(query.near === undefined ? {} : { near: query.near }),
      ...(query.q === undefined ? {} : { text: query.q }),
      ...(query.regionId === undefined ? {} : { regionId: query.regionId }),
      ...(query.constituencyId === undefined ? {} : { constituencyId: query.constituencyId }),
    });
    return json(200, page);
  },
);
