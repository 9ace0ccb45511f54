import { tallyDiverged, tallyMaterialised } from '@ballotstream/events';
import { http, schedule } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the tallies steps, beside their handlers; `../triggers.ts` gathers every area. */
export const talliesTriggers: readonly Trigger[] = [
  schedule('rate(1 minute)', {
    name: 'materialiseTallies',
    description:
      'Materialises the tally of every window that received votes, comparing both regions and backfilling one from the other.',
    handler: 'tallies/materialise.handler',
    publishes: [tallyMaterialised, tallyDiverged],
    reaches: { tables: { tallies: 'write' }, voteStores: { primary: 'tally', secondary: 'tally' } },
  }),
  schedule('rate(1 minute)', {
    name: 'concealVoteOrder',
    description:
      'Rewrites recently stored votes in vote-id order and checkpoints, so neither a store nor its log keeps the order voters came in.',
    handler: 'tallies/conceal-order.handler',
    reaches: { voteStores: { primary: 'record', secondary: 'record' } },
  }),
  http('GET /tallies', {
    name: 'getTallies',
    description: 'The materialised tallies by constituency, region or country, public once polls close.',
    roles: ['public'],
    handler: 'tallies/get-tallies.handler',
    reaches: { tables: { tallies: 'read', registry: 'read' } },
  }),
  http('GET /monitor/tallies', {
    name: 'getRunningTallies',
    description:
      'The running tallies while polls are open, for officers (their own region) and the national desk.',
    roles: ['officer', 'admin'],
    handler: 'tallies/get-running-tallies.handler',
    reaches: { tables: { tallies: 'read', registry: 'read' } },
  }),
];
