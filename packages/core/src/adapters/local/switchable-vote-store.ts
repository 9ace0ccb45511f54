import type { AcceptedVote } from '@ballotstream/events';
import { DependencyError } from '../../errors';
import type {
  RecordOutcome,
  TallyRow,
  VoteQuery,
  VoteStore,
  WindowCount,
  WindowTurnout,
} from '../../ports/vote-store';

/**
 * A vote store that can be switched off and on, for region-outage drills: while down, every
 * call fails as an unreachable region would, and nothing reaches the store behind it.
 */
export class SwitchableVoteStore implements VoteStore {
  private down = false;

  constructor(private readonly inner: VoteStore) {}

  get region(): 'primary' | 'secondary' {
    return this.inner.region;
  }

  /** Takes the region down (true) or brings it back (false). */
  setDown(down: boolean): void {
    this.down = down;
  }

  record(votes: readonly AcceptedVote[]): Promise<RecordOutcome> {
    return this.guard(() => this.inner.record(votes));
  }

  tally(electionId: string, fromMs: number, toMs: number): Promise<readonly TallyRow[]> {
    return this.guard(() => this.inner.tally(electionId, fromMs, toMs));
  }

  materialise(
    electionId: string,
    windowStarts: readonly number[],
    windowMs: number,
  ): Promise<readonly WindowCount[]> {
    return this.guard(() => this.inner.materialise(electionId, windowStarts, windowMs));
  }

  keptTotals(electionId: string): Promise<readonly TallyRow[]> {
    return this.guard(() => this.inner.keptTotals(electionId));
  }

  keptTurnout(electionId: string, windowStarts: readonly number[]): Promise<readonly WindowTurnout[]> {
    return this.guard(() => this.inner.keptTurnout(electionId, windowStarts));
  }

  votesOf(electionId: string, query: VoteQuery): Promise<readonly AcceptedVote[]> {
    return this.guard(() => this.inner.votesOf(electionId, query));
  }

  concealOrder(): Promise<number> {
    return this.guard(() => this.inner.concealOrder());
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.down) throw new DependencyError(`vote store (${this.inner.region})`, 'region unreachable');
    return work();
  }
}
