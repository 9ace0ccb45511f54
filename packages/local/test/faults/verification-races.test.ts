import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { startPrivateRedis } from '../../src/testing/private-redis';
import { raceVerifications } from '../../src/testing/verification-races';
import { expectOneWinnerPerVoter, raceWithRedisFlushedMidRun } from '../verification-race-checks';

// This file uses Redis database 2 of the shared server, and flushes only that one.
const sharedRedis = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/2` : undefined;

const VOTERS = 1000;
const ATTEMPTS = 8;

describe.skipIf(sharedRedis === undefined)(
  '1,000 voters × 8 booths against real Redis (REDIS_URL is set)',
  () => {
    it('gives exactly 1,000 successes and 7,000 already-voted', async () => {
      const redis = new Redis(sharedRedis!);
      await redis.flushdb();
      redis.disconnect();
      expectOneWinnerPerVoter(
        await raceVerifications({ voters: VOTERS, attemptsPerVoter: ATTEMPTS, redisUrl: sharedRedis! }),
        VOTERS,
        ATTEMPTS,
      );
    });

    it('gives exactly 1,000 successes and 7,000 already-voted with the Redis database flushed mid-run', async () => {
      const outcome = await raceWithRedisFlushedMidRun(sharedRedis!, VOTERS, ATTEMPTS);
      expectOneWinnerPerVoter(outcome, VOTERS, ATTEMPTS);
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
        VOTERS,
        ATTEMPTS,
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
      VOTERS,
      ATTEMPTS,
    );
  });
});
