import { recordReceipt } from '@ballotstream/core';
import { normaliseReceipt, voteAccepted } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `vote.accepted`: keeps the vote's receipt code, alone, so a citizen can check it later. */
export const handler = eventHandler('recordReceipt', voteAccepted, async (vote, deps) => {
  if (vote.receipt === undefined) return { recorded: false };
  await recordReceipt(deps.records, vote.electionId, normaliseReceipt(vote.receipt));
  return { recorded: true };
});
