import {
  resultMismatched,
  resultTopic,
  resultVerified,
  voteAccepted,
  voteRejected,
  voteTopic,
} from '@ballotstream/events';
import { subscribe, topicRule, voteBatches } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the casting steps, beside their handlers; `../triggers.ts` gathers every area. */
export const castingTriggers: readonly Trigger[] = [
  topicRule(voteTopic, {
    name: 'ingestVote',
    description:
      "Each signed vote from a machine is accepted once or refused with a reason; an accepted vote's receipt and its machine's last vote are kept.",
    handler: 'casting/ingest-vote.handler',
    batch: voteBatches,
    publishes: [voteAccepted, voteRejected],
    reaches: { tables: { registry: 'read', ballots: 'write', ledger: 'write', fleet: 'write' } },
  }),
  subscribe(voteAccepted, {
    name: 'recordVotePrimary',
    description: "Writes accepted votes to the primary region's vote store.",
    handler: 'casting/record-votes.primary',
    batch: voteBatches,
    reaches: { tables: { tallies: 'write' }, voteStores: { primary: 'record' } },
  }),
  subscribe(voteAccepted, {
    name: 'recordVoteSecondary',
    description: "Writes accepted votes to the secondary region's vote store.",
    handler: 'casting/record-votes.secondary',
    region: 'secondary',
    batch: voteBatches,
    reaches: { tables: { tallies: 'write' }, voteStores: { secondary: 'record' } },
  }),
  topicRule(resultTopic, {
    name: 'checkResultRecord',
    description: "Checks a machine's signed result record at poll close against the votes stored for it.",
    handler: 'casting/check-result.handler',
    publishes: [resultVerified, resultMismatched],
    reaches: { tables: { registry: 'read' }, voteStores: { primary: 'read', secondary: 'read' } },
  }),
];
