import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { type RaceOutcome, raceVerifications } from '../src/testing/verification-races';

/** Exactly one booth won each voter: one token per voter, every other attempt "already voted". */
export function expectOneWinnerPerVoter(outcome: RaceOutcome, voters: number, attempts: number): void {
  expect(outcome.failed).toBe(0);
  expect(outcome.byStatus).toEqual({ 201: voters, 409: voters * (attempts - 1) });
  expect(outcome.byError).toEqual({ 'already-voted': voters * (attempts - 1) });
  expect(new Set(outcome.tokens).size).toBe(voters);
}

/** Races the voters against a Redis database that is flushed half-way through the run. */
export async function raceWithRedisFlushedMidRun(
  redisUrl: string,
  voters: number,
  attempts: number,
): Promise<RaceOutcome> {
  const redis = new Redis(redisUrl);
  try {
    await redis.flushdb();
    let keysAtFlush = 0;
    const outcome = await raceVerifications({
      voters,
      attemptsPerVoter: attempts,
      redisUrl,
      atHalfway: async () => {
        keysAtFlush = await redis.dbsize();
        await redis.flushdb();
      },
    });
    // The flush must have found claims to throw away, or it tested nothing.
    expect(keysAtFlush).toBeGreaterThan(0);
    return outcome;
  } finally {
    redis.disconnect();
  }
}
