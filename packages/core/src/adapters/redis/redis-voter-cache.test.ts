import { randomUUID } from 'node:crypto';
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

describe.skipIf(url === undefined)('the Redis voter cache keeps no time of its own per voter', () => {
  it('claims voters as fields of one hash per group, with no TTL, laid out in no order of arrival', async () => {
    const redis = connectRedis({ url: url! });
    const cache = new RedisVoterCache(redis);
    const e = `e-${randomUUID()}`;
    const voters = Array.from({ length: 40 }, (_, i) => `voter-${String(i).padStart(2, '0')}`);
    for (const v of voters) {
      await cache.claim(e, v, `t-${v}`, `c-${v}`, 30_000);
      await cache.confirm(e, v, `t-${v}`, `c-${v}`);
    }
    const keys = await redis.keys(`*${e}*`);
    expect(keys).toEqual([`{bs:${e}:0}`]);
    const key = keys[0]!;
    expect(await redis.pttl(key)).toBe(-1);
    expect(await redis.object('ENCODING', key)).toBe('hashtable');
    const order = Object.keys(await redis.hgetall(key))
      .filter((f) => f.startsWith('v:'))
      .map((f) => f.slice(2));
    expect(new Set(order)).toEqual(new Set(voters));
    expect(order).not.toEqual(voters);
    expect(Object.values(await redis.hgetall(key)).filter((v) => /\d{10,}/.test(v))).toEqual([]);
    await redis.del(key);
    await cache.close();
  });

  it('spreads voters over as many groups as asked, each voter and ticket in one key', async () => {
    const redis = connectRedis({ url: url! });
    const cache = new RedisVoterCache(redis, { groups: 4 });
    const e = `e-${randomUUID()}`;
    for (let i = 0; i < 40; i++)
      expect(await cache.claim(e, `voter-${i}`, `t-${i}`, `c-${i}`, 30_000)).toBe('claimed');
    expect(await cache.claim(e, 'voter-7', 't-other', 'c-again', 30_000)).toBe('already-claimed');
    const keys = await redis.keys(`*${e}*`);
    expect(keys.sort()).toEqual([0, 1, 2, 3].map((g) => `{bs:${e}:${g}}`));
    // An unfinished claim says its time to within a TTL at most.
    for (const key of keys)
      for (const [field, value] of Object.entries(await redis.hgetall(key)))
        if (field !== '~layout') expect(Number(value.split(':').at(-1)) % 30_000).toBe(0);
    await redis.del(...keys);
    await cache.close();
  });
});
