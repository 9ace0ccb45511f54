import { beforeAll, describe, expect, it } from 'vitest';
import { runExactlyOnceScenario, type ScenarioOutcome } from '../casting/exactly-once-scenario';

describe('exactly-once counting through the real MQTT path (100,000 votes)', () => {
  let outcome: ScenarioOutcome;
  let seconds: number;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const started = Date.now();
    outcome = await runExactlyOnceScenario({
      duplicatedVotes: 96_000,
      offlineVotes: 2_000,
      killedVotes: 2_000,
      boothsPerConstituency: 25,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    seconds = (Date.now() - started) / 1000;
    process.stdout.write(`100,000 votes, 196,000 deliveries + 4,000 queued: ${seconds.toFixed(0)} s\n`);
    for (const [subscription, d] of outcome.deadLetters) {
      process.stdout.write(`dead letters of ${subscription}: ${d.count} (${d.error})\n`);
    }
  }, 900_000);

  it('tallies every vote exactly once despite double delivery, reordering, a gateway offline for hours and one killed mid-queue', () => {
    const truthTotal = [...outcome.truth.values()].reduce((a, b) => a + b, 0);
    expect(truthTotal).toBe(100_000);
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
    expect(secrecy.storedVotes).toBe(2 * 100_000);
    expect(secrecy.leakedValues).toBe(0);
    expect(secrecy.finerThanBucket).toBe(0);
    expect(secrecy.orderPairs).toBeGreaterThan(5_000);
    expect(secrecy.orderKept).toBeGreaterThan(0.45);
    expect(secrecy.orderKept).toBeLessThan(0.55);
  });
});
