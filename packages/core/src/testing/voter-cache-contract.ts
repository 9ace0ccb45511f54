import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { VoterCache } from '../ports/voter-cache';

/** The behaviour every voter cache adapter must show; run against each adapter that runs here. */
export function voterCacheContract(name: string, make: () => Promise<VoterCache>): void {
  describe(`voter cache contract: ${name}`, () => {
    const election = () => `e-${randomUUID()}`;

    it('lets the first claim of a voter win and refuses the next', async () => {
      const cache = await make();
      const e = election();
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-1', 10_000)).toBe('claimed');
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-2', 10_000)).toBe('already-claimed');
      await cache.close();
    });

    it('refuses a claim of the same voter with another ticket', async () => {
      const cache = await make();
      const e = election();
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-1', 10_000)).toBe('claimed');
      expect(await cache.claim(e, 'voter-a', 't-2', 'claim-2', 10_000)).toBe('already-claimed');
      await cache.close();
    });

    it('keeps voters and elections apart', async () => {
      const cache = await make();
      const e = election();
      expect(await cache.claim(e, 'voter-a', 't-1', 'c1', 10_000)).toBe('claimed');
      expect(await cache.claim(e, 'voter-b', 't-2', 'c2', 10_000)).toBe('claimed');
      expect(await cache.claim(election(), 'voter-a', 't-1', 'c3', 10_000)).toBe('claimed');
      await cache.close();
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const cache = await make();
      const e = election();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => cache.claim(e, 'voter-a', 't-1', `claim-${i}`, 10_000)),
      );
      expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
      await cache.close();
    });

    it('frees a released claim for a later attempt', async () => {
      const cache = await make();
      const e = election();
      await cache.claim(e, 'voter-a', 't-1', 'claim-1', 10_000);
      await cache.release(e, 'voter-a', 't-1', 'claim-1');
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-2', 10_000)).toBe('claimed');
      await cache.close();
    });

    it('ignores a release by an attempt that does not hold the claim', async () => {
      const cache = await make();
      const e = election();
      await cache.claim(e, 'voter-a', 't-1', 'claim-1', 10_000);
      await cache.release(e, 'voter-a', 't-1', 'someone-else');
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-2', 10_000)).toBe('already-claimed');
      await cache.close();
    });

    it('makes a confirmed claim permanent: release and expiry no longer free it', async () => {
      const cache = await make();
      const e = election();
      await cache.claim(e, 'voter-a', 't-1', 'claim-1', 50);
      await cache.confirm(e, 'voter-a', 't-1', 'claim-1');
      await cache.release(e, 'voter-a', 't-1', 'claim-1');
      await new Promise((r) => setTimeout(r, 80));
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-2', 10_000)).toBe('already-claimed');
      await cache.close();
    });

    it('lets an unconfirmed claim expire', async () => {
      const cache = await make();
      const e = election();
      await cache.claim(e, 'voter-a', 't-1', 'claim-1', 30);
      await new Promise((r) => setTimeout(r, 80));
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-2', 10_000)).toBe('claimed');
      await cache.close();
    });

    it('remembers a voter marked as voted', async () => {
      const cache = await make();
      const e = election();
      await cache.markVoted(e, 'voter-a', 't-1');
      expect(await cache.claim(e, 'voter-a', 't-1', 'claim-1', 10_000)).toBe('already-claimed');
      await cache.close();
    });

    it('answers a ping while reachable', async () => {
      const cache = await make();
      expect(await cache.ping()).toBe(true);
      await cache.close();
    });
  });
}
