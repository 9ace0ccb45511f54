import { expect } from 'vitest';
import type { ScenarioOutcome } from './exactly-once-scenario';

/**
 * What the exactly-once scenario must show at any size: every vote of the ground truth tallied
 * once in each region, none rejected, no recorder giving up, both result records verified.
 */
export function expectEveryVoteCountedOnce(outcome: ScenarioOutcome, votes: number): void {
  const truthTotal = [...outcome.truth.values()].reduce((a, b) => a + b, 0);
  expect(truthTotal).toBe(votes);
  expect(outcome.killedAt.delivered).toBeGreaterThan(0);
  expect(outcome.killedAt.delivered).toBeLessThan(outcome.killedAt.cast);
  expect(outcome.tallied).toEqual(outcome.truth);
  expect(outcome.countryTotal).toBe(truthTotal);
  expect(outcome.regions.primary).toEqual(outcome.truth);
  expect(outcome.regions.secondary).toEqual(outcome.truth);
  expect(outcome.rejected).toBe(0);
  // The recorders never gave up on a vote (other subscribers' dead letters are theirs to judge).
  expect(outcome.deadLetters.get('recordVotePrimary')).toBeUndefined();
  expect(outcome.deadLetters.get('recordVoteSecondary')).toBeUndefined();
  expect(outcome.resultChecks.map((r) => r.type)).toEqual(['result.verified', 'result.verified']);
}
