import { voteMessageSchema } from '@ballotstream/events';
import { topicRuleBatchHandler } from '../shared/batch';
import { checkPayload } from '../shared/iot';
import { countRejection } from '../shared/observability';

/**
 * IoT rule target for `machines/+/votes`, read from the rule's queue in batches: accepts each
 * signed vote once, or says why not (`App.ingestVotes`); failed ids go back to the queue.
 */
export const handler = topicRuleBatchHandler('ingestVote', async (items, app) => {
  const deliveries = items.map(({ id, value }) => ({
    id,
    machineId: value.topicMachineId,
    payload: checkPayload(voteMessageSchema, value),
  }));
  const { failed, refusals } = await app.ingestVotes(deliveries);
  for (const reason of refusals) countRejection('ingestVote', reason);
  return failed;
});
