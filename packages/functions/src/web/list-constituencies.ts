import { constituenciesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/** `GET /constituencies`: every constituency's id, name and region, for anyone. */
export const handler = httpRoute(
  { name: 'listConstituencies', query: constituenciesQuerySchema },
  async ({ query, app }) => json(200, { constituencies: await app.citizen.constituencies(query.regionId) }),
);
