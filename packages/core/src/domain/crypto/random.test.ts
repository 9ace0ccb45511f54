import { describe, expect, it } from 'vitest';
import { fromBase64url } from './encoding';
import { randomBase64url } from './random';

describe('randomBase64url', () => {
  it('gives canonical base64url of the asked length, never the same twice across block refills', () => {
    const seen = new Set<string>();
    // 2,000 × 18 bytes crosses several 4 KB blocks.
    for (let i = 0; i < 2_000; i++) {
      const text = randomBase64url(18);
      expect(fromBase64url(text)?.length).toBe(18);
      seen.add(text);
    }
    expect(seen.size).toBe(2_000);
  });

  it('uses every byte value, so no part of the block is handed out unfilled', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1_000; i++) for (const b of fromBase64url(randomBase64url(24))!) counts[b]!++;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    // 24,000 bytes: about 94 of each value; a block of zeros would push value 0 far above that.
    expect(counts[0]).toBeLessThan(200);
  });

  it('refuses sizes it cannot serve, naming the size', () => {
    expect(() => randomBase64url(0)).toThrow(/not 0/);
    expect(() => randomBase64url(4097)).toThrow(/not 4097/);
    expect(() => randomBase64url(1.5)).toThrow(/not 1.5/);
  });
});
