import { candidatesQuerySchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';

/** `GET /candidates?constituencyId=`: a constituency's candidates in ballot order, for anyone. */
export const handler = httpRoute(
  { name: 'listCandidates', query: candidatesQuerySchema },
  async ({ query, app }) =>
    json(200, {
      constituencyId: query.constituencyId,
      candidates: await app.citizen.candidates(query.constituencyId),
    }),
);
