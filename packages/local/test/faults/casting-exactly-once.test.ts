import { beforeAll, describe, expect, it } from 'vitest';
import { expectEveryVoteCountedOnce } from '../casting/exactly-once-checks';
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
    expectEveryVoteCountedOnce(outcome, 100_000);
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
