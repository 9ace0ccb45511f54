import { readEntity, readTurnout } from '@ballotstream/core';
import { turnoutQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/**
 * `GET /turnout`: votes per tally window and their running total, for the country or a region,
 * with the poll's closing time so the citizen app knows when to show results.
 */
export const handler = httpRoute(
  { name: 'getTurnout', query: turnoutQuerySchema },
  async ({ query, app }) => {
    const electionId = app.config.electionId;
    const [turnout, election] = await Promise.all([
      readTurnout(app.ports.records, electionId, query.regionId),
      readEntity(app.ports.records, 'election', electionId),
    ]);
    return json(200, { ...turnout, ...(election === undefined ? {} : { closesAt: election.closesAt }) });
  },
);
