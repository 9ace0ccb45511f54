import { materialiseTallies } from '@ballotstream/core';
import { eventOf, type OutgoingEvent } from '@ballotstream/core/ports';
import { tallyDiverged, tallyMaterialised } from '@ballotstream/events';
import { scheduledHandler } from '../shared/events';

/** On schedule: materialises every window that received votes since the last run. */
export const handler = scheduledHandler(async (deps, firedAt) => {
  const { records, clock, config, publisher, voteStores } = deps;
  const electionId = config.electionId;
  const windows = await materialiseTallies(
    {
      ...voteStores,
      records,
      clock,
      tallyWindowMs: config.tallyWindowMs,
      inFlightToleranceVotes: config.inFlightToleranceVotes,
      settleMs: config.settleMs,
    },
    electionId,
  );
  const at = new Date(firedAt).toISOString();
  const events: OutgoingEvent[] = [];
  for (const w of windows) {
    events.push(
      eventOf(tallyMaterialised, {
        electionId,
        windowStart: w.windowStart,
        windowEnd: w.windowEnd,
        votes: w.votes,
        agreement: w.agreement,
        backfilled: w.backfilled.primary + w.backfilled.secondary,
        materialisedAt: at,
      }),
    );
    if (w.alert) {
      events.push(
        eventOf(tallyDiverged, {
          electionId,
          windowStart: w.windowStart,
          windowEnd: w.windowEnd,
          primaryVotes: w.primaryVotes,
          secondaryVotes: w.secondaryVotes,
          detectedAt: at,
        }),
      );
    }
  }
  if (events.length > 0) await publisher.publish(events);
  return { windows: windows.length };
});
