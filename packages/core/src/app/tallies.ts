import type { Config } from '../config';
import { readTallies, resultsNotYetPublic, type TallyReport } from '../domain/tally/read-tallies';
import type { Clock, RecordStore, VoteStore } from '../ports';
import { err, ok, type Result } from '../result';

/** Which tally to read: the election (the configured one by default), its level, and a scope. */
export interface TallyQuery {
  readonly electionId?: string | undefined;
  readonly level: 'constituency' | 'region' | 'country';
  readonly constituencyId?: string | undefined;
  readonly regionId?: string | undefined;
}

/** Why the public may not read the tally yet, in words for the caller. */
export interface TallyRefusal {
  readonly reason: 'polls-open';
  readonly message: string;
}

/** The running and published tallies, and the vote stores' concealment of arrival order. */
export function talliesUseCases(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly voteStores: { readonly primary: VoteStore; readonly secondary: VoteStore };
  },
  config: Pick<Config, 'electionId' | 'publicRunningResults'>,
) {
  const { records, clock } = ports;
  const read = (query: TallyQuery) =>
    readTallies(records, query.electionId ?? config.electionId, query.level, {
      ...(query.constituencyId === undefined ? {} : { constituencyId: query.constituencyId }),
      ...(query.regionId === undefined ? {} : { regionId: query.regionId }),
    });
  return {
    /** The running tally as officers follow it, whether or not the polls are open. */
    running: read,
    /** The tally as the public reads it: refused while the polls are open, unless running results are public. */
    async published(query: TallyQuery): Promise<Result<TallyReport, TallyRefusal>> {
      const electionId = query.electionId ?? config.electionId;
      const notYet = await resultsNotYetPublic(records, electionId, clock.now(), config.publicRunningResults);
      if (notYet !== undefined) return err({ reason: 'polls-open', message: notYet });
      return ok(await read({ ...query, electionId }));
    },
    /**
     * Each region rewrites the votes it stored lately in vote-id order, hiding arrival order; a
     * region that fails reads as `null`, and the other still conceals its own.
     */
    async concealOrder() {
      const { primary, secondary } = ports.voteStores;
      const [p, s] = await Promise.allSettled([primary.concealOrder(), secondary.concealOrder()]);
      return {
        primary: p.status === 'fulfilled' ? p.value : null,
        secondary: s.status === 'fulfilled' ? s.value : null,
      };
    },
  };
}
