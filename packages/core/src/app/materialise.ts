import { tallyDiverged, tallyMaterialised } from '@ballotstream/events';
import type { Config } from '../config';
import { materialiseTallies } from '../domain/tally/materialise-tallies';
import { type Clock, eventOf, type OutgoingEvent, type RecordStore, type VoteStore } from '../ports';
import { type Outcome, outcome } from './outcome';

/**
 * Materialises every window that received votes since the last run, in both regions' stores;
 * each window is announced, and a window the two regions disagree on is announced as diverged.
 */
export function materialiseUseCase(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly voteStores: { readonly primary: VoteStore; readonly secondary: VoteStore };
  },
  config: Pick<Config, 'electionId' | 'tallyWindowMs' | 'inFlightToleranceVotes' | 'settleMs'>,
) {
  const { electionId } = config;
  return async (firedAt: number): Promise<Outcome<{ windows: number }>> => {
    const windows = await materialiseTallies(
      {
        ...ports.voteStores,
        records: ports.records,
        clock: ports.clock,
        tallyWindowMs: config.tallyWindowMs,
        inFlightToleranceVotes: config.inFlightToleranceVotes,
        settleMs: config.settleMs,
      },
      electionId,
    );
    const at = new Date(firedAt).toISOString();
    const events: OutgoingEvent[] = [];
    for (const w of windows) {
      const { windowStart, windowEnd } = w;
      const backfilled = w.backfilled.primary + w.backfilled.secondary;
      const { votes, agreement } = w;
      events.push(
        eventOf(tallyMaterialised, {
          electionId,
          windowStart,
          windowEnd,
          votes,
          agreement,
          backfilled,
          materialisedAt: at,
        }),
      );
      if (!w.alert) continue;
      const { primaryVotes, secondaryVotes } = w;
      events.push(
        eventOf(tallyDiverged, {
          electionId,
          windowStart,
          windowEnd,
          primaryVotes,
          secondaryVotes,
          detectedAt: at,
        }),
      );
    }
    return outcome({ windows: windows.length }, events);
  };
}
