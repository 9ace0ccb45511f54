import { voteAccepted } from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';

function recorderFor(region: 'primary' | 'secondary') {
  return eventBatchHandler(`recordVote.${region}`, voteAccepted, async (items, app) => {
    // A failed write throws: the queue hands the batch back, then dead-letters it, and the tally
    // run's reconciliation backfills the region from the other one by vote id. A replayed vote
    // is a duplicate in the store, never a second row.
    await app.casting.recordVotes(
      region,
      items.map((item) => item.value),
    );
    return [];
  });
}

/** Records batches of accepted votes in the primary region's vote store. */
export const primary = recorderFor('primary');
/** Records batches of accepted votes in the secondary region's vote store. */
export const secondary = recorderFor('secondary');
export const handler = primary;
