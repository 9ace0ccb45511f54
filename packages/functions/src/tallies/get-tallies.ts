import { readTallies, resultsNotYetPublic } from '@ballotstream/core';
import { talliesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';

/** `GET /tallies`: the materialised tally by constituency, region or country, once polls close. */
export const handler = httpRoute(
  { name: 'getTallies', query: talliesQuerySchema },
  async ({ query, app }) => {
    const electionId = query.electionId ?? app.config.electionId;
    const { records, clock } = app.ports;
    const { config } = app;
    const notYet = await resultsNotYetPublic(records, electionId, clock.now(), config.publicRunningResults);
    if (notYet !== undefined) {
      countRejection('getTallies', 'polls-open');
      return json(statusOfRouteRefusal('forbidden'), { error: 'forbidden', message: notYet });
    }
    const filter = {
      ...(query.constituencyId === undefined ? {} : { constituencyId: query.constituencyId }),
      ...(query.regionId === undefined ? {} : { regionId: query.regionId }),
    };
    return json(200, await readTallies(records, electionId, query.level, filter));
  },
);
