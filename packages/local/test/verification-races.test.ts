import { describe, it } from 'vitest';
import { startPrivateRedis } from '../src/testing/private-redis';
import { raceVerifications } from '../src/testing/verification-races';
import { expectOneWinnerPerVoter, raceWithRedisFlushedMidRun } from './verification-race-checks';

// This file uses Redis database 2 of the shared server, and flushes only that one. The full
// 1,000-voter races are in test/faults/verification-races.test.ts; these are their small twins.
const sharedRedis = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/2` : undefined;

const VOTERS = 150;
const ATTEMPTS = 8;

describe.skipIf(sharedRedis === undefined)(
  'one voter, one vote against real Redis (REDIS_URL is set)',
  () => {
    it('lets exactly one of 8 simultaneous booths win each voter, even with the Redis database flushed mid-run', async () => {
      const outcome = await raceWithRedisFlushedMidRun(sharedRedis!, VOTERS, ATTEMPTS);
      expectOneWinnerPerVoter(outcome, VOTERS, ATTEMPTS);
    });
  },
);

describe('one voter, one vote when Redis dies', () => {
  it('lets the durable store alone decide after the Redis server is killed mid-run', async () => {
    const redis = await startPrivateRedis();
    try {
      const outcome = await raceVerifications({
        voters: VOTERS,
        attemptsPerVoter: ATTEMPTS,
        redisUrl: redis.url,
        atHalfway: () => redis.kill(),
      });
      expectOneWinnerPerVoter(outcome, VOTERS, ATTEMPTS);
    } finally {
      await redis.kill();
    }
  });
});
