import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { partitionRecords } from './pages';

async function collect(from: AsyncGenerator<{ readonly sk: string }>): Promise<string[]> {
  const sks: string[] = [];
  for await (const record of from) sks.push(record.sk);
  return sks;
}

describe('partitionRecords', () => {
  it('reads every record of a partition over several pages, in sort-key order, and no other partition', async () => {
    const records = new MemoryRecordStore();
    const sks = Array.from({ length: 2_345 }, (_, i) => `row#${String(i).padStart(5, '0')}`);
    for (const sk of sks) await records.put('tallies', { pk: 'p#1', sk });
    await records.put('tallies', { pk: 'p#2', sk: 'row#00000' });
    expect(await collect(partitionRecords(records, 'tallies', 'p#1'))).toEqual(sks);
  });

  it('keeps to a sort-key prefix across pages', async () => {
    const records = new MemoryRecordStore();
    for (let i = 0; i < 1_500; i++)
      await records.put('voters', { pk: 'e#1', sk: `epoch#${String(i).padStart(4, '0')}` });
    await records.put('voters', { pk: 'e#1', sk: 'other#1' });
    const read = await collect(partitionRecords(records, 'voters', 'e#1', 'epoch#'));
    expect(read).toHaveLength(1_500);
    expect(read.every((sk) => sk.startsWith('epoch#'))).toBe(true);
  });
});
