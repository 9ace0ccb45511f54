import { beforeAll, describe, expect, it } from 'vitest';
import { expectEveryVoteCountedOnce } from './exactly-once-checks';
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
    expectEveryVoteCountedOnce(outcome, 2_000);
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
