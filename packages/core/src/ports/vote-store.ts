import type { AcceptedVote } from '@ballotstream/events';

/** How many votes a candidate has in a constituency within a range of buckets. */
export interface TallyRow {
  readonly constituencyId: string;
  readonly candidateId: string;
  readonly votes: number;
}

export interface RecordOutcome {
  readonly written: number;
  readonly duplicates: number;
}

/**
 * One region's vote store (Timestream in AWS, DuckDB locally): writes are idempotent on the
 * vote id, so a replayed vote is never stored twice.
 */
export interface VoteStore {
  readonly region: 'primary' | 'secondary';
  record(votes: readonly AcceptedVote[]): Promise<RecordOutcome>;
  /** Counts votes of an election whose bucket starts in [fromMs, toMs). */
  tally(electionId: string, fromMs: number, toMs: number): Promise<readonly TallyRow[]>;
  close(): Promise<void>;
}
