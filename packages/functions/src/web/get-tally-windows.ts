import { httpRoute, json } from '../shared/http';

/** `GET /tallies/windows`: each materialised window and whether the two regions agreed on it. */
export const handler = httpRoute({ name: 'getTallyWindows' }, async ({ app }) =>
  json(200, await app.citizen.tallyWindows()),
);
