import type { RecordKey } from '../../ports/record-store';

// Sort keys that hold numbers are zero-padded so that text order is numeric order.
const pad = (n: number): string => n.toString().padStart(15, '0');

/** Where each kind of durable record lives; one place, so no two callers disagree. */
export const recordKeys = {
  voterStatus: (voterKey: string, electionId: string): RecordKey => ({
    pk: `voter#${voterKey}`,
    sk: `election#${electionId}`,
  }),
  ticket: (ticketId: string): RecordKey => ({ pk: `ticket#${ticketId}`, sk: 'ticket' }),
  ballotToken: (tokenHash: string): RecordKey => ({ pk: `ballot#${tokenHash}`, sk: 'token' }),
  ledgerVote: (voteId: string): RecordKey => ({ pk: `vote#${voteId}`, sk: 'vote' }),
  machine: (machineId: string): RecordKey => ({ pk: `machine#${machineId}`, sk: 'machine' }),
  booth: (boothId: string): RecordKey => ({ pk: `booth#${boothId}`, sk: 'booth' }),
  constituency: (constituencyId: string): RecordKey => ({
    pk: `constituency#${constituencyId}`,
    sk: 'constituency',
  }),
  voterProfile: (voterKey: string): RecordKey => ({ pk: `voter#${voterKey}`, sk: 'profile' }),
  tallyPartition: (electionId: string): string => `tally#${electionId}`,
  tallyWindowPrefix: (windowStart: number): string => `w#${pad(windowStart)}#`,
  tallyRow: (
    electionId: string,
    windowStart: number,
    constituencyId: string,
    candidateId: string,
  ): RecordKey => ({
    pk: `tally#${electionId}`,
    sk: `w#${pad(windowStart)}#${constituencyId}#${candidateId}`,
  }),
  dirtyPartition: (electionId: string): string => `dirty#${electionId}`,
  dirtyWindow: (electionId: string, windowStart: number): RecordKey => ({
    pk: `dirty#${electionId}`,
    sk: pad(windowStart),
  }),
} as const;
