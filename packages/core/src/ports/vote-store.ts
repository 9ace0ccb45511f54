import type { AcceptedVote } from '@ballotstream/events';

/** How many votes a candidate has in a constituency within a range of buckets. */
export interface TallyRow {
  readonly constituencyId: string;
  readonly candidateId: string;
  readonly votes: number;
}

/** Which stored votes to read: buckets in [fromMs, toMs), one machine, or both. */
export interface VoteQuery {
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly machineId?: string;
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
  /**
   * The stored votes of an election, narrowed to a bucket range and/or a machine: the regions
   * are reconciled and a machine's result record is checked with these.
   */
  votesOf(electionId: string, query: VoteQuery): Promise<readonly AcceptedVote[]>;
  /**
   * Rewrites votes stored since the last call so that their stored order follows the random
   * vote id, not arrival (a store with no visible order, such as Timestream, does nothing).
   */
  concealOrder(): Promise<number>;
  close(): Promise<void>;
}
