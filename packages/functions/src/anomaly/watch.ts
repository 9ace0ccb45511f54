import { tallyDiverged, voteAccepted, voteRejected, voterRejected } from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';
import { settle } from '../shared/deps';
import { eventHandler, scheduledHandler } from '../shared/events';

/** On `vote.accepted`, in batches: vote rate, burst after silence, poll hours, turnout. */
export const accepted = eventBatchHandler('watchVotes.accepted', voteAccepted, async (items, app) => {
  await settle(app, await app.watch.votesAccepted(items.map((item) => item.value)));
  return [];
});

/** On `vote.rejected`: bad signatures or tokens from one machine, votes outside poll hours. */
export const rejected = eventHandler('watchVotes.rejected', voteRejected, (detail, app, { id }) =>
  app.watch.voteRejected({ id, detail }),
);

/** On `voter.rejected`: repeated refusals at one booth, and one voter turned away at many. */
export const refusals = eventHandler('watchVotes.refusals', voterRejected, (detail, app, { id }) =>
  app.watch.voterRejected({ id, detail }),
);

/** On `tally.diverged`: the two regions disagree; the national desk is told. */
export const diverged = eventHandler('watchVotes.diverged', tallyDiverged, (d, app) =>
  app.watch.tallyDiverged(d),
);

/** On schedule: machines silent or offline during polls, and booths whose results stand out. */
export const sweep = scheduledHandler((app, firedAt) => app.watch.sweep(firedAt));
