import type { BoothListing } from '@ballotstream/events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { allBooths } from './api';

/** An API of `total` booths that answers `GET /booths` a page at a time, as the runtime does. */
function pagedApi(total: number) {
  const booths: BoothListing[] = Array.from({ length: total }, (_, i) => ({
    boothId: `b-${String(i).padStart(5, '0')}`,
    name: `Booth ${i}`,
    address: '',
    constituencyId: 'c-1',
    regionId: 'north',
    electorate: 7,
  }));
  const asked: string[] = [];
  const fetch = vi.fn(async (url: string) => {
    asked.push(url);
    const query = new URL(url, 'http://api').searchParams;
    const limit = Number(query.get('limit'));
    const after = query.get('after');
    const rest = booths.filter((b) => after === null || b.boothId > after);
    const page = rest.slice(0, limit);
    const body = rest.length > limit ? { booths: page, next: page.at(-1)!.boothId } : { booths: page };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  });
  return { fetch, asked };
}

describe('reading every booth', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('pages through more booths than one page holds, so every electorate counts', async () => {
    const api = pagedApi(1203);
    vi.stubGlobal('fetch', api.fetch);
    const booths = await allBooths('&regionId=north');
    expect(booths).toHaveLength(1203);
    expect(new Set(booths.map((b) => b.boothId)).size).toBe(1203);
    expect(booths.reduce((n, b) => n + (b.electorate ?? 0), 0)).toBe(1203 * 7);
    expect(api.asked).toHaveLength(3);
    expect(api.asked[1]).toContain('regionId=north');
    expect(api.asked[1]).toContain('after=b-00499');
  });
});
