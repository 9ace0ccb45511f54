import { recordMachineVote } from '@ballotstream/core';
import { voteAccepted } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `vote.accepted`: notes when the machine last voted (to its time bucket), for its map state. */
export const handler = eventHandler('recordMachineVote', voteAccepted, async (vote, deps) => {
  await recordMachineVote(deps.records, vote.machineId, vote.bucketStart + deps.config.bucketMs);
});
