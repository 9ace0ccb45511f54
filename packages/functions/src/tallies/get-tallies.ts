import { readTallies } from '@ballotstream/core';
import { talliesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/** `GET /tallies`: the materialised tally by constituency, region or country. */
export const handler = httpRoute(
  { name: 'getTallies', query: talliesQuerySchema },
  async ({ query, deps }) => {
    const electionId = query.electionId ?? deps.config.electionId;
    const filter = {
      ...(query.constituencyId === undefined ? {} : { constituencyId: query.constituencyId }),
      ...(query.regionId === undefined ? {} : { regionId: query.regionId }),
    };
    return json(200, await readTallies(deps.records, electionId, query.level, filter));
  },
);
