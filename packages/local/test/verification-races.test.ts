import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startPrivateRedis } from '../src/testing/private-redis';
import { type RaceOutcome, raceVerifications } from '../src/testing/verification-races';

// This file uses Redis database 2 of the shared server, and flushes only that one. The full
// 1,000-voter races are in test/faults/verification-races.test.ts; these are their small twins.
const sharedRedis = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/2` : undefined;

const VOTERS = 150;
const ATTEMPTS = 8;

function expectOneWinnerPerVoter(outcome: RaceOutcome): void {
  expect(outcome.failed).toBe(0);
  expect(outcome.byStatus).toEqual({ 201: VOTERS, 409: VOTERS * (ATTEMPTS - 1) });
  expect(outcome.byError).toEqual({ 'already-voted': VOTERS * (ATTEMPTS - 1) });
  expect(new Set(outcome.tokens).size).toBe(VOTERS);
}

describe.skipIf(sharedRedis === undefined)(
  'one voter, one vote against real Redis (REDIS_URL is set)',
  () => {
    it('lets exactly one of 8 simultaneous booths win each voter, even with the Redis database flushed mid-run', async () => {
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
      expectOneWinnerPerVoter(outcome);
    } finally {
      await redis.kill();
    }
  });
});
