import { recordVotes } from '@ballotstream/core';
import { voteAccepted } from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { eventHandler } from '../shared/events';

function recorderFor(region: 'primary' | 'secondary') {
  return eventHandler(`recordVote.${region}`, voteAccepted, async (vote, deps: Deps) => {
    const { records, clock, config } = deps;
    const store = deps.voteStores[region];
    return recordVotes({ store, records, clock, tallyWindowMs: config.tallyWindowMs }, [vote]);
  });
}

/** Records accepted votes in the primary region's vote store. */
export const primary = recorderFor('primary');
/** Records accepted votes in the secondary region's vote store. */
export const secondary = recorderFor('secondary');
export const handler = primary;
