import { ingestVote } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { voteAccepted, voteMessageSchema, voteRejected } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `machines/+/votes`: accepts each signed vote once, or says why not. */
export const handler = topicRuleHandler('ingestVote', async (event, deps) => {
  const { publisher, clock, config } = deps;
  const rejectedAt = new Date(clock.now()).toISOString();
  const checked = checkPayload(voteMessageSchema, event);
  if (!checked.ok) {
    countRejection('ingestVote', 'malformed');
    await publisher.publish([
      eventOf(voteRejected, {
        machineId: event.topicMachineId.slice(0, 200),
        reason: 'malformed',
        detail: checked.problems.join('; ').slice(0, 500),
        rejectedAt,
      }),
    ]);
    return { accepted: false, reason: 'malformed', problems: checked.problems };
  }
  const result = await ingestVote(
    { ...deps, bucketMs: config.bucketMs },
    checked.message,
    event.topicMachineId,
  );
  if (!result.ok) {
    countRejection('ingestVote', result.error.reason);
    const { machineId, voteId } = checked.message;
    await publisher.publish([eventOf(voteRejected, { machineId, voteId, ...result.error, rejectedAt })]);
    return { accepted: false, reason: result.error.reason };
  }
  await publisher.publish([eventOf(voteAccepted, result.value)]);
  return { accepted: true, voteId: result.value.voteId };
});
