import { describe, expect, it } from 'vitest';
import { voterCacheContract } from '../../testing/voter-cache-contract';
import { MemoryVoterCache } from './memory-voter-cache';

voterCacheContract('in-process store', async () => new MemoryVoterCache());

describe('the in-process voter cache as a test stand-in', () => {
  it('forgets every claim when flushed, as FLUSHALL does to Redis', async () => {
    const cache = new MemoryVoterCache();
    await cache.claim('e', 'v', 't', 'c1', 10_000);
    cache.flush();
    expect(await cache.claim('e', 'v', 't', 'c2', 10_000)).toBe('claimed');
  });

  it('fails every call with a dependency error while unreachable', async () => {
    const cache = new MemoryVoterCache();
    cache.setReachable(false);
    await expect(cache.claim('e', 'v', 't', 'c1', 10_000)).rejects.toThrow(/unreachable/);
    expect(await cache.ping()).toBe(false);
  });
});
