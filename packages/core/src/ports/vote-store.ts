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

/** What `materialise` found for one window: its total and a fingerprint of its counts. */
export interface WindowCount {
  readonly windowStart: number;
  readonly votes: number;
  /**
   * Equal in two stores of the same kind exactly when they keep the same counts for the window
   * (up to hash collisions); the regions are compared with it instead of row by row.
   */
  readonly fingerprint: string;
}

/** Kept votes of one constituency in one window, summed over its candidates (turnout). */
export interface WindowTurnout {
  readonly windowStart: number;
  readonly constituencyId: string;
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
  /**
   * Recounts the given windows (each `windowMs` long, starting at a multiple of it) inside the
   * store, replacing the counts per constituency × candidate it kept for them, as a scheduled
   * query materialises a view: the votes never leave the store. One entry per window asked for,
   * in the order asked (a window without votes has 0 and the fingerprint of no counts).
   */
  materialise(
    electionId: string,
    windowStarts: readonly number[],
    windowMs: number,
  ): Promise<readonly WindowCount[]>;
  /** The kept counts of an election summed over every materialised window: the running tally. */
  keptTotals(electionId: string): Promise<readonly TallyRow[]>;
  /** The kept counts of the given windows per constituency, summed over candidates. */
  keptTurnout(electionId: string, windowStarts: readonly number[]): Promise<readonly WindowTurnout[]>;
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
