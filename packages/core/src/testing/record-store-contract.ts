import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordStore } from '../ports/record-store';

/**
 * The behaviour every record store adapter must show, as DynamoDB's would. `fencedWrites: false`
 * leaves out the transactional write for a stand-in that lacks transactions (dynalite).
 */
export function recordStoreContract(
  name: string,
  make: () => Promise<RecordStore>,
  options: { readonly fencedWrites?: boolean } = {},
): void {
  describe(`record store contract: ${name}`, () => {
    const pk = () => `p-${randomUUID()}`;

    it('reads back what it wrote, and nothing for a missing key', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'a' };
      expect(await store.put('registry', { ...key, name: 'North', size: 3, open: true })).toBe(true);
      expect(await store.get('registry', key)).toEqual({ ...key, name: 'North', size: 3, open: true });
      expect(await store.get('registry', { pk: key.pk, sk: 'b' })).toBeUndefined();
      await store.close();
    });

    it('keeps tables apart', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'a' };
      await store.put('voters', { ...key, where: 'voters' });
      expect(await store.get('tickets', key)).toBeUndefined();
      await store.close();
    });

    it('writes if absent only once', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'a' };
      expect(await store.put('voters', { ...key, v: 1 }, { kind: 'absent' })).toBe(true);
      expect(await store.put('voters', { ...key, v: 2 }, { kind: 'absent' })).toBe(false);
      expect((await store.get('voters', key))?.v).toBe(1);
      await store.close();
    });

    if (options.fencedWrites !== false)
      it('writes a fenced record only while the fence record meets its condition', async () => {
        const store = await make();
        const fenceKey = { pk: pk(), sk: 'owner' };
        const fence = {
          table: 'voters' as const,
          key: fenceKey,
          condition: { kind: 'field-equals', field: 'writer', value: 'a@1' } as const,
        };
        const first = { pk: pk(), sk: 'a' };
        expect(await store.putFenced('voters', { ...first, v: 1 }, { kind: 'absent' }, fence)).toBe(false);
        await store.put('voters', { ...fenceKey, writer: 'a@1' });
        expect(await store.putFenced('voters', { ...first, v: 1 }, { kind: 'absent' }, fence)).toBe(true);
        expect(await store.putFenced('voters', { ...first, v: 2 }, { kind: 'absent' }, fence)).toBe(false);
        await store.put('voters', { ...fenceKey, writer: 'b@2' });
        const second = { pk: pk(), sk: 'a' };
        expect(await store.putFenced('voters', { ...second, v: 1 }, { kind: 'absent' }, fence)).toBe(false);
        expect(await store.get('voters', second)).toBeUndefined();
        expect((await store.get('voters', first))?.v).toBe(1);
        await store.close();
      });

    it('lets exactly one of many concurrent conditional writes win', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'a' };
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => store.put('voters', { ...key, by: i }, { kind: 'absent' })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await store.get('voters', key))?.by).toBe(winner);
      await store.close();
    });

    it('updates fields under a condition on a field', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'token' };
      await store.put('ballots', { ...key, machineId: 'm-1' });
      expect(
        await store.update('ballots', key, { usedBy: 'v-1' }, { kind: 'field-absent', field: 'usedBy' }),
      ).toBe(true);
      expect(
        await store.update('ballots', key, { usedBy: 'v-2' }, { kind: 'field-absent', field: 'usedBy' }),
      ).toBe(false);
      expect(await store.get('ballots', key)).toEqual({ ...key, machineId: 'm-1', usedBy: 'v-1' });
      expect(
        await store.update(
          'ballots',
          key,
          { state: 'x' },
          { kind: 'field-equals', field: 'usedBy', value: 'v-2' },
        ),
      ).toBe(false);
      expect(
        await store.update(
          'ballots',
          key,
          { state: 'x' },
          { kind: 'field-equals', field: 'usedBy', value: 'v-1' },
        ),
      ).toBe(true);
      await store.close();
    });

    it('refuses an update conditioned on presence when the record is missing', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'a' };
      expect(await store.update('registry', key, { blocked: true }, { kind: 'present' })).toBe(false);
      expect(await store.get('registry', key)).toBeUndefined();
      expect(await store.update('registry', key, { blocked: true })).toBe(true);
      expect(await store.get('registry', key)).toEqual({ ...key, blocked: true });
      await store.close();
    });

    it('deletes a record', async () => {
      const store = await make();
      const key = { pk: pk(), sk: 'a' };
      await store.put('tallies', { ...key, votes: 3 });
      await store.delete('tallies', key);
      expect(await store.get('tallies', key)).toBeUndefined();
      await store.close();
    });

    it('queries a partition in sort-key order by prefix, a page at a time', async () => {
      const store = await make();
      const p = pk();
      for (const sk of ['w#2#b', 'w#1#a', 'x#1', 'w#1#b', 'w#3#a'])
        await store.put('tallies', { pk: p, sk, n: sk });
      await store.put('tallies', { pk: pk(), sk: 'w#0', n: 'other partition' });
      const all = await store.query('tallies', p, { skPrefix: 'w#' });
      expect(all.records.map((r) => r.sk)).toEqual(['w#1#a', 'w#1#b', 'w#2#b', 'w#3#a']);
      expect(all.next).toBeUndefined();
      const first = await store.query('tallies', p, { skPrefix: 'w#', limit: 3 });
      expect(first.records.map((r) => r.sk)).toEqual(['w#1#a', 'w#1#b', 'w#2#b']);
      expect(first.next).toBe('w#2#b');
      const second = await store.query('tallies', p, { skPrefix: 'w#', limit: 3, after: first.next! });
      expect(second.records.map((r) => r.sk)).toEqual(['w#3#a']);
      expect(second.next).toBeUndefined();
      await store.close();
    });
  });
}
