import {
  normaliseReceipt,
  type VoteMessage,
  type VoteRefusal,
  voteAccepted,
  voteRejected,
} from '@ballotstream/events';
import type { Config } from '../config';
import {
  type IngestVoteDeps,
  ingestVote,
  markVotePublished,
  wasVotePublished,
} from '../domain/casting/ingest-vote';
import { recordReceipt } from '../domain/citizen/receipts';
import { recordMachineVote } from '../domain/monitoring/machines';
import {
  type Clock,
  type EventPublisher,
  eventOf,
  type OutgoingEvent,
  type RecordStore,
  type SignatureChecker,
} from '../ports';

/** One delivered vote message: its queue id, the machine whose topic it came on, and its payload. */
export interface VoteDelivery {
  readonly id: string;
  readonly machineId: string;
  readonly payload:
    | { readonly ok: true; readonly message: VoteMessage }
    | { readonly ok: false; readonly problems: readonly string[] };
}

/** What a batch came to: the deliveries to hand back to the queue, and each refusal's reason. */
export interface IngestReport {
  readonly failed: readonly string[];
  readonly refusals: readonly VoteRefusal[];
}

type Judged =
  | { readonly kind: 'accepted'; readonly vote: AcceptedVote; readonly event: OutgoingEvent }
  | { readonly kind: 'rejected'; readonly reason: VoteRefusal; readonly event: OutgoingEvent }
  | { readonly kind: 'redelivery' };

type AcceptedVote = {
  readonly voteId: string;
  readonly electionId: string;
  readonly machineId: string;
  readonly bucketStart: number;
  readonly receipt?: string;
};

/**
 * Accepts each signed vote of a batch once, or says why not. The batch's events go out together,
 * then each machine's last vote is noted and each accepted vote's receipt kept (the record holds
 * the code alone), and a vote's acceptance is marked only after these, so a crash in between makes
 * the redelivery publish it and keep them again: the publisher is this use case's own port.
 */
export function ingestVotesUseCase(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly signatures: SignatureChecker;
    readonly publisher: EventPublisher;
  },
  config: Pick<Config, 'bucketMs' | 'clockSkewMs' | 'ballotTokenTtlMs'>,
) {
  // Built once rather than spread into a fresh object for every vote.
  const deps: IngestVoteDeps = {
    records: ports.records,
    clock: ports.clock,
    signatures: ports.signatures,
    bucketMs: config.bucketMs,
    clockSkewMs: config.clockSkewMs,
    ballotTokenTtlMs: config.ballotTokenTtlMs,
  };

  async function judge(delivery: VoteDelivery, rejectedAt: string): Promise<Judged> {
    const { payload } = delivery;
    if (!payload.ok) {
      // A vote that is well formed but for its missing token is refused as such, not as noise.
      const reason = payload.problems.every((p) => p.startsWith('ballotToken')) ? 'no-token' : 'malformed';
      const machineId = delivery.machineId.slice(0, 200);
      const detail = payload.problems.join('; ').slice(0, 500);
      return {
        kind: 'rejected',
        reason,
        event: eventOf(voteRejected, { machineId, reason, detail, rejectedAt }),
      };
    }
    const result = await ingestVote(deps, payload.message, delivery.machineId);
    if (!result.ok) {
      const { machineId, voteId } = payload.message;
      const event = eventOf(voteRejected, { machineId, voteId, ...result.error, rejectedAt });
      return { kind: 'rejected', reason: result.error.reason, event };
    }
    const { vote, redelivery } = result.value;
    // QoS 1 redelivers; once the acceptance is out, a redelivery is acknowledged and nothing more.
    // A vote that spent its token just now cannot have been published before: no lookup needed.
    if (redelivery && (await wasVotePublished(ports.records, vote.voteId))) return { kind: 'redelivery' };
    return { kind: 'accepted', vote, event: eventOf(voteAccepted, vote) };
  }

  return async (deliveries: readonly VoteDelivery[]): Promise<IngestReport> => {
    const rejectedAt = new Date(ports.clock.now()).toISOString();
    const failed: string[] = [];
    const judged = await Promise.all(
      deliveries.map(async (delivery): Promise<Judged> => {
        try {
          return await judge(delivery, rejectedAt);
        } catch {
          // A store that failed mid-vote: the message goes back to the queue and is judged again.
          failed.push(delivery.id);
          return { kind: 'redelivery' };
        }
      }),
    );
    // The same vote twice in one batch (a redelivery racing the first copy) is published once.
    const accepted = new Map<string, Judged & { kind: 'accepted' }>();
    const events: OutgoingEvent[] = [];
    const refusals: VoteRefusal[] = [];
    for (const j of judged) {
      if (j.kind === 'rejected') {
        events.push(j.event);
        refusals.push(j.reason);
      }
      if (j.kind === 'accepted') accepted.set(j.vote.voteId, j);
    }
    events.push(...[...accepted.values()].map((j) => j.event));
    if (events.length > 0) await ports.publisher.publish(events);
    const votes = [...accepted.values()].map((j) => j.vote);
    await noteLastVotes(ports.records, votes, config.bucketMs);
    await Promise.all(votes.map((vote) => keepAccepted(ports.records, vote)));
    return { failed, refusals };
  };
}

/**
 * After its acceptance went out: keeps the vote's receipt (this step's to keep, one queue and one
 * invocation fewer a vote than a subscriber), then marks the vote published.
 */
async function keepAccepted(records: RecordStore, vote: AcceptedVote): Promise<void> {
  if (vote.receipt !== undefined)
    await recordReceipt(records, vote.electionId, normaliseReceipt(vote.receipt));
  await markVotePublished(records, vote.voteId);
}

/**
 * Notes when each machine of the batch last had a vote accepted (the end of that vote's bucket),
 * one write per machine: this step's to keep, one queue and one invocation fewer a vote than a
 * subscriber of `vote.accepted`.
 */
async function noteLastVotes(
  records: RecordStore,
  votes: readonly AcceptedVote[],
  bucketMs: number,
): Promise<void> {
  const until = new Map<string, number>();
  for (const vote of votes)
    until.set(vote.machineId, Math.max(until.get(vote.machineId) ?? 0, vote.bucketStart + bucketMs));
  await Promise.all([...until].map(([machineId, at]) => recordMachineVote(records, machineId, at)));
}
