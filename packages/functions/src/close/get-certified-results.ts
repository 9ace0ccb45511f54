import { readCertifications, resultsNotYetPublic } from '@ballotstream/core';
import { closeQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';

/** `GET /results/certification`: which constituencies are certified and when, public once polls close. */
export const handler = httpRoute(
  { name: 'getCertifiedResults', query: closeQuerySchema },
  async ({ query, app }) => {
    const { records, clock } = app.ports;
    const { config } = app;
    const electionId = query.electionId ?? config.electionId;
    const notYet = await resultsNotYetPublic(records, electionId, clock.now(), false);
    if (notYet !== undefined) {
      countRejection('getCertifiedResults', 'polls-open');
      return json(statusOfRouteRefusal('forbidden'), { error: 'forbidden', message: notYet });
    }
    return json(200, await readCertifications(records, electionId, query.regionId));
  },
);
