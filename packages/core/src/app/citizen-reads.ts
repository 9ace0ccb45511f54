import type { Config } from '../config';
import { type BoothSearch, findBooths, listCandidates, listConstituencies } from '../domain/citizen/booths';
import { isReceiptRecorded } from '../domain/citizen/receipts';
import { recordMachineVote } from '../domain/monitoring/machines';
import {
  readTurnout,
  readWindowStatuses,
  recordWindowStatus,
  type WindowStatus,
} from '../domain/monitoring/turnout';
import { readEntity } from '../domain/registry/registry-records';
import type { RecordStore } from '../ports';

/** An accepted vote as the machine-activity step reads it: which machine, in which bucket. */
export interface MachineVote {
  readonly id: string;
  readonly machineId: string;
  readonly bucketStart: number;
}

/**
 * What the citizen app and the monitoring centre read of the election, and the steps that keep
 * those views (receipts, window agreement, each machine's last vote), for the configured election.
 */
export function citizenReadUseCases(ports: { readonly records: RecordStore }, config: Config) {
  const { records } = ports;
  const { electionId } = config;
  return {
    booths: (search: BoothSearch) => findBooths(records, search),
    candidates: (constituencyId: string) => listCandidates(records, constituencyId),
    constituencies: (regionId?: string) => listConstituencies(records, regionId),
    receiptRecorded: (code: string) => isReceiptRecorded(records, electionId, code),
    tallyWindows: async () => ({ electionId, windows: await readWindowStatuses(records, electionId) }),
    recordWindowStatus: (windowElectionId: string, status: WindowStatus) =>
      recordWindowStatus(records, windowElectionId, status),
    /** Votes and running total per window, with the poll's closing time for the citizen app. */
    async turnout(regionId?: string) {
      const [turnout, election] = await Promise.all([
        readTurnout(records, electionId, regionId),
        readEntity(records, 'election', electionId),
      ]);
      return { ...turnout, ...(election === undefined ? {} : { closesAt: election.closesAt }) };
    },
    /**
     * Notes when each machine last voted (to the end of its time bucket), one write per machine:
     * answers the ids of the votes whose machine's write failed, for the batch to retry.
     */
    async recordMachineVotes(votes: readonly MachineVote[]): Promise<string[]> {
      const latest = new Map<string, { until: number; ids: string[] }>();
      for (const vote of votes) {
        const until = vote.bucketStart + config.bucketMs;
        const seen = latest.get(vote.machineId);
        if (seen === undefined) latest.set(vote.machineId, { until, ids: [vote.id] });
        else {
          seen.until = Math.max(seen.until, until);
          seen.ids.push(vote.id);
        }
      }
      const failed: string[] = [];
      await Promise.all(
        [...latest].map(([machineId, { until, ids }]) =>
          recordMachineVote(records, machineId, until).catch(() => failed.push(...ids)),
        ),
      );
      return failed;
    },
  };
}
