import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { testServiceUrls } from '../../config';
import { detectorStateContract } from '../../testing/detector-state-contract';
import { RedisDetectorState } from './redis-detector-state';
import { connectRedis } from './redis-voter-cache';

// This file uses Redis database 2 of the shared server; each test has its own key prefix and
// deletes its keys afterwards.
const url = testServiceUrls().redis(2);

describe.skipIf(url === undefined)('the Redis detector state (REDIS_URL is set)', () => {
  detectorStateContract('Redis', async () => {
    const prefix = `test:detector:${randomUUID()}:`;
    return {
      open: async () => {
        const redis = connectRedis({ url: url! });
        await redis.ping();
        return new RedisDetectorState(redis, { prefix });
      },
      dispose: async () => {
        const redis = connectRedis({ url: url! });
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      },
    };
  });
});
