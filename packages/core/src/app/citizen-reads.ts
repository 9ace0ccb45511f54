import type { Config } from '../config';
import { type BoothSearch, findBooths, listCandidates, listConstituencies } from '../domain/citizen/booths';
import { isReceiptRecorded } from '../domain/citizen/receipts';
import {
  readTurnout,
  readWindowStatuses,
  recordWindowStatus,
  type WindowStatus,
} from '../domain/monitoring/turnout';
import { readEntity } from '../domain/registry/registry-records';
import type { RecordStore } from '../ports';

/**
 * What the citizen app and the monitoring centre read of the election, and the steps that keep
 * those views (receipts, window agreement), for the configured election.
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
  };
}
