import { type IngestVoteDeps, ingestVote, markVotePublished, wasVotePublished } from '@ballotstream/core';
import { eventOf, type OutgoingEvent } from '@ballotstream/core/ports';
import { type TopicRuleEvent, voteAccepted, voteMessageSchema, voteRejected } from '@ballotstream/events';
import { type BatchItem, topicRuleBatchHandler } from '../shared/batch';
import type { Deps } from '../shared/deps';
import { checkPayload } from '../shared/iot';
import { countRejection } from '../shared/observability';

// Built once per set of dependencies rather than spread into a fresh object for every vote. It
// names what ingest uses and reads each port when used: in Lambda the ports are built on first
// use and a port this function is not linked to throws, so spreading `deps` would fail every vote.
const ingestDeps = new WeakMap<Deps, IngestVoteDeps>();
function ingestDepsOf(deps: Deps): IngestVoteDeps {
  let built = ingestDeps.get(deps);
  if (built === undefined) {
    const { config } = deps;
    built = {
      get records() {
        return deps.records;
      },
      get clock() {
        return deps.clock;
      },
      get signatures() {
        return deps.signatures;
      },
      bucketMs: config.bucketMs,
      clockSkewMs: config.clockSkewMs,
      ballotTokenTtlMs: config.ballotTokenTtlMs,
    };
    ingestDeps.set(deps, built);
  }
  return built;
}

/** What one message of a batch came to: an event to publish, or nothing (a redelivery). */
type Outcome =
  | { readonly kind: 'accepted'; readonly voteId: string; readonly event: OutgoingEvent }
  | { readonly kind: 'rejected'; readonly event: OutgoingEvent }
  | { readonly kind: 'redelivery' };

async function judge(event: TopicRuleEvent, deps: Deps, rejectedAt: string): Promise<Outcome> {
  const checked = checkPayload(voteMessageSchema, event);
  if (!checked.ok) {
    // A vote that is well formed but for its missing token is refused as such, not as noise.
    const reason = checked.problems.every((p) => p.startsWith('ballotToken')) ? 'no-token' : 'malformed';
    countRejection('ingestVote', reason);
    return {
      kind: 'rejected',
      event: eventOf(voteRejected, {
        machineId: event.topicMachineId.slice(0, 200),
        reason,
        detail: checked.problems.join('; ').slice(0, 500),
        rejectedAt,
      }),
    };
  }
  const result = await ingestVote(ingestDepsOf(deps), checked.message, event.topicMachineId);
  if (!result.ok) {
    countRejection('ingestVote', result.error.reason);
    const { machineId, voteId } = checked.message;
    return {
      kind: 'rejected',
      event: eventOf(voteRejected, { machineId, voteId, ...result.error, rejectedAt }),
    };
  }
  const { vote, redelivery } = result.value;
  // QoS 1 redelivers; once the acceptance is out, a redelivery is acknowledged and nothing more.
  // A vote that spent its token just now cannot have been published before: no lookup needed.
  if (redelivery && (await wasVotePublished(deps.records, vote.voteId))) return { kind: 'redelivery' };
  return { kind: 'accepted', voteId: vote.voteId, event: eventOf(voteAccepted, vote) };
}

/**
 * IoT rule target for `machines/+/votes`, read from the rule's queue in batches: accepts each
 * signed vote once, or says why not. The batch's events go out together; a vote's acceptance is
 * marked only after it went out, so a crash in between makes the redelivery publish it again.
 */
export const handler = topicRuleBatchHandler('ingestVote', async (items, deps) => {
  const rejectedAt = new Date(deps.clock.now()).toISOString();
  const failed: string[] = [];
  const outcomes = await Promise.all(
    items.map(async (item: BatchItem<TopicRuleEvent>) => {
      try {
        return await judge(item.value, deps, rejectedAt);
      } catch {
        // A store that failed mid-vote: the message goes back to the queue and is judged again.
        failed.push(item.id);
        return { kind: 'redelivery' } as const;
      }
    }),
  );
  // The same vote twice in one batch (a redelivery racing the first copy) is published once.
  const accepted = new Map<string, OutgoingEvent>();
  const events: OutgoingEvent[] = [];
  for (const outcome of outcomes) {
    if (outcome.kind === 'rejected') events.push(outcome.event);
    if (outcome.kind === 'accepted') accepted.set(outcome.voteId, outcome.event);
  }
  events.push(...accepted.values());
  if (events.length > 0) await deps.publisher.publish(events);
  await Promise.all([...accepted.keys()].map((voteId) => markVotePublished(deps.records, voteId)));
  return failed;
});
