import { type AcceptedVote, type ResultRecord, resultMismatched, resultVerified } from '@ballotstream/events';
import type { Config } from '../config';
import { checkResultRecord } from '../domain/casting/check-result';
import { recordVotes } from '../domain/tally/record-votes';
import { type Clock, eventOf, type RecordStore, type VoteStore } from '../ports';
import { type Outcome, outcome } from './outcome';

/** What checking a result record came to: verified, or the problems found with it. */
export type ResultCheckAnswer =
  | { readonly verified: true }
  | { readonly verified: false; readonly problems: readonly string[] };

/** The casting steps after a vote is accepted: storing it in a region, and checking a machine's result record. */
export function castingUseCases(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly voteStores: { readonly primary: VoteStore; readonly secondary: VoteStore };
  },
  config: Pick<Config, 'tallyWindowMs'>,
) {
  const { records, clock } = ports;
  return {
    /**
     * Stores a batch of accepted votes in one region's vote store and marks their windows for the
     * next tally run. A failed write throws; a replayed vote is a duplicate, never a second row.
     */
    recordVotes: (region: 'primary' | 'secondary', votes: readonly AcceptedVote[]) =>
      // The store is read per call: a function that records in no region never touches it.
      recordVotes(
        { store: ports.voteStores[region], records, clock, tallyWindowMs: config.tallyWindowMs },
        votes,
      ),
    /**
     * Checks a machine's signed result record, sent on `topicMachineId`'s topic, against its stored
     * votes; `result.verified` or `result.mismatched` carries the record on to the close of poll.
     */
    async checkResult(topicMachineId: string, record: ResultRecord): Promise<Outcome<ResultCheckAnswer>> {
      const { storedVotes, problems } =
        record.machineId === topicMachineId
          ? await checkResultRecord({ records, ...ports.voteStores }, record)
          : {
              storedVotes: 0,
              problems: [`record names machine ${record.machineId} on another machine's topic`],
            };
      const common = {
        electionId: record.electionId,
        machineId: topicMachineId.slice(0, 64),
        voteCount: record.voteCount,
        storedVotes,
        checkedAt: new Date(clock.now()).toISOString(),
        // The record itself travels on, so the close-of-poll step keeps it for the public bulletin.
        record,
      };
      if (problems.length === 0) return outcome({ verified: true }, [eventOf(resultVerified, common)]);
      const mismatched = { ...common, problems: problems.map((p) => p.slice(0, 300)) };
      return outcome({ verified: false, problems }, [eventOf(resultMismatched, mismatched)]);
    },
  };
}
