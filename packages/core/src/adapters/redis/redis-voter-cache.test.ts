import { describe, expect, it } from 'vitest';
import { testServiceUrls } from '../../config';
import { DependencyError } from '../../errors';
import { voterCacheContract } from '../../testing/voter-cache-contract';
import { connectRedis, RedisVoterCache } from './redis-voter-cache';

// This file uses Redis database 1 of the shared server, and flushes nothing.
const url = testServiceUrls().redis(1);

describe.skipIf(url === undefined)('the Redis voter cache (REDIS_URL is set)', () => {
  voterCacheContract('Redis', async () => {
    const redis = connectRedis({ url: url! });
    await redis.ping();
    return new RedisVoterCache(redis);
  });

  it('fails with a dependency error, not a hang, when Redis cannot be reached', async () => {
    const cache = new RedisVoterCache(connectRedis({ url: 'redis://127.0.0.1:1/0', commandTimeoutMs: 300 }));
    await expect(cache.claim('e', 'v', 't', 'c', 1000)).rejects.toBeInstanceOf(DependencyError);
    expect(await cache.ping()).toBe(false);
    await cache.close();
  });
});
