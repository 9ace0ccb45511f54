import { DependencyError } from '../../errors';
import { type Clock, systemClock } from '../../ports/clock';
import type { ClaimOutcome, VoterCache } from '../../ports/voter-cache';

interface Entry {
  readonly value: string;
  readonly expiresAt: number;
}

/** The voter cache in one process, with Redis's semantics: atomic claims that expire. */
export class MemoryVoterCache implements VoterCache {
  private readonly entries = new Map<string, Entry>();
  private reachable = true;

  constructor(private readonly clock: Clock = systemClock) {}

  async claim(
    electionId: string,
    voterKey: string,
    ticketId: string,
    claimId: string,
    ttlMs: number,
  ): Promise<ClaimOutcome> {
    this.assertReachable();
    const [voter, ticket] = this.keysOf(electionId, voterKey, ticketId);
    if (this.read(voter) !== undefined || this.read(ticket) !== undefined) return 'already-claimed';
    // As in Redis, an unfinished claim keeps its time only to within a TTL, a finished one none.
    const entry = {
      value: `claim:${claimId}`,
      expiresAt: Math.ceil((this.clock.now() + ttlMs) / ttlMs) * ttlMs,
    };
    this.entries.set(voter, entry);
    this.entries.set(ticket, entry);
    return 'claimed';
  }

  async confirm(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void> {
    this.assertReachable();
    const [voter, ticket] = this.keysOf(electionId, voterKey, ticketId);
    if (this.read(voter) !== `claim:${claimId}`) return;
    this.entries.set(voter, { value: 'voted', expiresAt: Number.POSITIVE_INFINITY });
    this.entries.set(ticket, { value: 'voted', expiresAt: Number.POSITIVE_INFINITY });
  }

  async release(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void> {
    this.assertReachable();
    for (const key of this.keysOf(electionId, voterKey, ticketId)) {
      if (this.read(key) === `claim:${claimId}`) this.entries.delete(key);
    }
  }

  async markVoted(electionId: string, voterKey: string, ticketId: string): Promise<void> {
    this.assertReachable();
    for (const key of this.keysOf(electionId, voterKey, ticketId)) {
      this.entries.set(key, { value: 'voted', expiresAt: Number.POSITIVE_INFINITY });
    }
  }

  async ping(): Promise<boolean> {
    return this.reachable;
  }

  async close(): Promise<void> {}

  /** Forgets everything, as `FLUSHALL` does to Redis. */
  flush(): void {
    this.entries.clear();
  }

  /** Makes every call fail, as an unreachable Redis would. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  private assertReachable(): void {
    if (!this.reachable) throw new DependencyError('voter-cache', 'unreachable');
  }

  private keysOf(electionId: string, voterKey: string, ticketId: string): [string, string] {
    return [`${electionId}:${voterKey}:voter`, `${electionId}:${voterKey}:ticket:${ticketId}`];
  }

  private read(key: string): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }
}
