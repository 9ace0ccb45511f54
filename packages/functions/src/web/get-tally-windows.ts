import { readWindowStatuses } from '@ballotstream/core';
import { httpRoute, json } from '../shared/http';

/** `GET /tallies/windows`: each materialised window and whether the two regions agreed on it. */
export const handler = httpRoute({ name: 'getTallyWindows' }, async ({ deps }) =>
  json(200, {
    electionId: deps.config.electionId,
    windows: await readWindowStatuses(deps.records, deps.config.electionId),
  }),
);
