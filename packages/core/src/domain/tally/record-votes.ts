import { randomUUID } from 'node:crypto';
import type { AcceptedVote } from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import type { RecordOutcome, VoteStore } from '../../ports/vote-store';
import { recordKeys } from '../shared/keys';
import { windowsOf } from './windows';

export interface RecordVotesDeps {
  readonly store: VoteStore;
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly tallyWindowMs: number;
}

/**
 * Writes accepted votes to one region's store, then marks their windows for the next tally run.
 * A late vote marks an old window again, which re-opens it.
 */
export async function recordVotes(
  deps: RecordVotesDeps,
  votes: readonly AcceptedVote[],
): Promise<RecordOutcome> {
  const outcome = await deps.store.record(votes);
  const now = deps.clock.now();
  const byElection = new Map<string, number[]>();
  for (const vote of votes) {
    const buckets = byElection.get(vote.electionId) ?? [];
    buckets.push(vote.bucketStart);
    byElection.set(vote.electionId, buckets);
  }
  for (const [electionId, buckets] of byElection) {
    for (const windowStart of windowsOf(buckets, deps.tallyWindowMs)) {
      // A fresh mark lets the tally run clear only the mark it saw, never a newer one.
      await deps.records.put('tallies', {
        ...recordKeys.dirtyWindow(electionId, windowStart),
        windowStart,
        mark: randomUUID(),
        markedAt: now,
      });
    }
  }
  return outcome;
}
