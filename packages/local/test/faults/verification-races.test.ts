import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startPrivateRedis } from '../../src/testing/private-redis';
import { type RaceOutcome, raceVerifications } from '../../src/testing/verification-races';

// This file uses Redis database 2 of the shared server, and flushes only that one.
const sharedRedis = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/2` : undefined;

const VOTERS = 1000;
const ATTEMPTS = 8;

function expectOneWinnerPerVoter(outcome: RaceOutcome): void {
  expect(outcome.failed).toBe(0);
  expect(outcome.byStatus).toEqual({ 201: VOTERS, 409: VOTERS * (ATTEMPTS - 1) });
  expect(outcome.byError).toEqual({ 'already-voted': VOTERS * (ATTEMPTS - 1) });
  expect(new Set(outcome.tokens).size).toBe(VOTERS);
}

describe.skipIf(sharedRedis === undefined)(
  '1,000 voters × 8 booths against real Redis (REDIS_URL is set)',
  () => {
    it('gives exactly 1,000 successes and 7,000 already-voted', async () => {
      const redis = new Redis(sharedRedis!);
      await redis.flushdb();
      redis.disconnect();
      expectOneWinnerPerVoter(
        await raceVerifications({ voters: VOTERS, attemptsPerVoter: ATTEMPTS, redisUrl: sharedRedis! }),
      );
    });

    it('gives exactly 1,000 successes and 7,000 already-voted with the Redis database flushed mid-run', async () => {
      const redis = new Redis(sharedRedis!);
      await redis.flushdb();
      let keysAtFlush = 0;
      const outcome = await raceVerifications({
        voters: VOTERS,
        attemptsPerVoter: ATTEMPTS,
        redisUrl: sharedRedis!,
        atHalfway: async () => {
          keysAtFlush = await redis.dbsize();
          await redis.flushdb();
        },
      });
      redis.disconnect();
      expect(keysAtFlush).toBeGreaterThan(0);
      expectOneWinnerPerVoter(outcome);
    });
  },
);

describe('1,000 voters × 8 booths when Redis dies', () => {
  it('gives exactly 1,000 successes and 7,000 already-voted after the Redis server is killed mid-run', async () => {
    const redis = await startPrivateRedis();
    try {
      expectOneWinnerPerVoter(
        await raceVerifications({
          voters: VOTERS,
          attemptsPerVoter: ATTEMPTS,
          redisUrl: redis.url,
          atHalfway: () => redis.kill(),
        }),
      );
    } finally {
      await redis.kill();
    }
  });

  it('gives exactly 1,000 successes and 7,000 already-voted with Redis down from the start', async () => {
    const redis = await startPrivateRedis();
    const url = redis.url;
    await redis.kill();
    expectOneWinnerPerVoter(
      await raceVerifications({ voters: VOTERS, attemptsPerVoter: ATTEMPTS, redisUrl: url }),
    );
  });
});
