import { voteAccepted } from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';

/** On `vote.accepted`, in batches: notes when each machine last voted (to its time bucket), for its map state. */
export const handler = eventBatchHandler('recordMachineVote', voteAccepted, (items, app) =>
  app.citizen.recordMachineVotes(
    items.map(({ id, value }) => ({ id, machineId: value.machineId, bucketStart: value.bucketStart })),
  ),
);
