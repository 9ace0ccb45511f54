import { turnoutQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/**
 * `GET /turnout`: votes per tally window and their running total, for the country or a region,
 * with the poll's closing time so the citizen app knows when to show results.
 */
export const handler = httpRoute({ name: 'getTurnout', query: turnoutQuerySchema }, async ({ query, app }) =>
  json(200, await app.citizen.turnout(query.regionId)),
);
