import { type IngestVoteDeps, ingestVote, markVotePublished, wasVotePublished } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { voteAccepted, voteMessageSchema, voteRejected } from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

// Built once per set of dependencies rather than spread into a fresh object for every vote.
const ingestDeps = new WeakMap<Deps, IngestVoteDeps>();
function ingestDepsOf(deps: Deps): IngestVoteDeps {
  let built = ingestDeps.get(deps);
  if (built === undefined) {
    const { config } = deps;
    built = {
      ...deps,
      bucketMs: config.bucketMs,
      clockSkewMs: config.clockSkewMs,
      ballotTokenTtlMs: config.ballotTokenTtlMs,
    };
    ingestDeps.set(deps, built);
  }
  return built;
}

/** IoT rule target for `machines/+/votes`: accepts each signed vote once, or says why not. */
export const handler = topicRuleHandler('ingestVote', async (event, deps) => {
  const { publisher, clock } = deps;
  const rejectedAt = new Date(clock.now()).toISOString();
  const checked = checkPayload(voteMessageSchema, event);
  if (!checked.ok) {
    // A vote that is well formed but for its missing token is refused as such, not as noise.
    const reason = checked.problems.every((p) => p.startsWith('ballotToken')) ? 'no-token' : 'malformed';
    countRejection('ingestVote', reason);
    await publisher.publish([
      eventOf(voteRejected, {
        machineId: event.topicMachineId.slice(0, 200),
        reason,
        detail: checked.problems.join('; ').slice(0, 500),
        rejectedAt,
      }),
    ]);
    return { accepted: false, reason, problems: checked.problems };
  }
  const result = await ingestVote(ingestDepsOf(deps), checked.message, event.topicMachineId);
  if (!result.ok) {
    countRejection('ingestVote', result.error.reason);
    const { machineId, voteId } = checked.message;
    await publisher.publish([eventOf(voteRejected, { machineId, voteId, ...result.error, rejectedAt })]);
    return { accepted: false, reason: result.error.reason };
  }
  const { voteId } = result.value;
  // QoS 1 redelivers; once the acceptance is out, a redelivery is acknowledged and nothing more.
  if (await wasVotePublished(deps.records, voteId)) return { accepted: true, voteId, redelivery: true };
  await publisher.publish([eventOf(voteAccepted, result.value)]);
  await markVotePublished(deps.records, voteId);
  return { accepted: true, voteId };
});
