/** What the cache answers to a claim of a voter and their ticket. */
export type ClaimOutcome = 'claimed' | 'already-claimed';

/**
 * The fast, shared, volatile front of the one-voter-one-vote check (Redis in both runtimes).
 * It may lose everything at any moment; the record store's conditional write is the truth.
 */
export interface VoterCache {
  /** Atomically claims both the voter and the ticket for one verification attempt. */
  claim(
    electionId: string,
    voterKey: string,
    ticketId: string,
    claimId: string,
    ttlMs: number,
  ): Promise<ClaimOutcome>;
  /** Makes a claim permanent once the durable write succeeded. */
  confirm(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void>;
  /** Drops a claim that did not become a vote, if this attempt still holds it. */
  release(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void>;
  /** Writes back that a voter has voted, when the durable store knew it and the cache did not. */
  markVoted(electionId: string, voterKey: string, ticketId: string): Promise<void>;
  /** Answers whether the cache is reachable. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
