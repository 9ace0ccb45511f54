import { beforeAll, describe, expect, it } from 'vitest';
import { runExactlyOnceScenario, type ScenarioOutcome } from './exactly-once-scenario';

describe('exactly-once counting through the real MQTT path (2,000 votes)', () => {
  let outcome: ScenarioOutcome;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    outcome = await runExactlyOnceScenario({
      duplicatedVotes: 1_600,
      offlineVotes: 200,
      killedVotes: 200,
      boothsPerConstituency: 3,
    });
  });

  it('tallies every vote exactly once despite double delivery, reordering, a gateway offline for hours and one killed mid-queue', () => {
    const truthTotal = [...outcome.truth.values()].reduce((a, b) => a + b, 0);
    expect(truthTotal).toBe(2_000);
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
  });

  it('proves over every stored vote of both regions that no vote can be traced to its voter', () => {
    const { secrecy } = outcome;
    expect(secrecy.storedVotes).toBe(2 * 2_000);
    expect([...secrecy.columns].sort()).toEqual(
      [
        'booth_id',
        'bucket_start',
        'candidate_id',
        'constituency_id',
        'election_id',
        'machine_id',
        'vote_id',
      ].sort(),
    );
    expect(secrecy.leakedValues).toBe(0);
    expect(secrecy.finerThanBucket).toBe(0);
    // Consecutive voters of a booth are stored in the same order about half the time: no more than chance.
    expect(secrecy.orderPairs).toBeGreaterThan(500);
    expect(secrecy.orderKept).toBeGreaterThan(0.35);
    expect(secrecy.orderKept).toBeLessThan(0.65);
  });
});
