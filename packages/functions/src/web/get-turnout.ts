import { readTurnout } from '@ballotstream/core';
import { turnoutQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/** `GET /turnout`: votes per tally window and their running total, for the country or a region. */
export const handler = httpRoute({ name: 'getTurnout', query: turnoutQuerySchema }, async ({ query, deps }) =>
  json(200, await readTurnout(deps.records, deps.config.electionId, query.regionId)),
);
