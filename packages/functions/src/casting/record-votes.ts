import { recordVotes } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { voteAccepted, voteRecorded } from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { eventHandler } from '../shared/events';

function recorderFor(region: 'primary' | 'secondary') {
  return eventHandler(`recordVote.${region}`, voteAccepted, async (vote, deps: Deps) => {
    const { records, clock, config, publisher } = deps;
    const store = deps.voteStores[region];
    // A failed write throws: the bus retries, then dead-letters it, and the tally run's
    // reconciliation backfills the region from the other one by vote id.
    const outcome = await recordVotes({ store, records, clock, tallyWindowMs: config.tallyWindowMs }, [vote]);
    await publisher.publish([
      eventOf(voteRecorded, { region, ...outcome, bucketStarts: [vote.bucketStart] }),
    ]);
    return outcome;
  });
}

/** Records accepted votes in the primary region's vote store. */
export const primary = recorderFor('primary');
/** Records accepted votes in the secondary region's vote store. */
export const secondary = recorderFor('secondary');
export const handler = primary;
