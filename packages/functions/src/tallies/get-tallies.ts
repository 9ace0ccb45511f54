import { talliesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { statusOfRouteRefusal } from '../shared/refusals';

/** `GET /tallies`: the materialised tally by constituency, region or country, once polls close. */
export const handler = httpRoute(
  { name: 'getTallies', query: talliesQuerySchema },
  async ({ query, app }) => {
    const tally = await app.tallies.published(query);
    if (!tally.ok) {
      countRejection('getTallies', tally.error.reason);
      return json(statusOfRouteRefusal('forbidden'), { error: 'forbidden', message: tally.error.message });
    }
    return json(200, tally.value);
  },
);
