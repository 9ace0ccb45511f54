import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { sourceFiles } from '../../testing/source-files';
import { allItems, itemsOf, type Page, pagesOf, partitionRecords } from './pages';

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

/** A paged source of 0..n-1, `size` a page, its tokens the index each page starts at; counts its reads. */
function numbers(n: number, size: number) {
  const asked: (string | undefined)[] = [];
  const read = async (next: string | undefined): Promise<Page<number>> => {
    asked.push(next);
    const from = next === undefined ? 0 : Number(next);
    const items = Array.from({ length: Math.max(0, Math.min(size, n - from)) }, (_, i) => from + i);
    return { items, next: from + size < n ? String(from + size) : undefined };
  };
  return { read, asked };
}

describe('the paging helper', () => {
  it('reads page after page, handing each read the next of the page before, until none is named', async () => {
    const { read, asked } = numbers(7, 3);
    expect(await allItems(read)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(asked).toEqual([undefined, '3', '6']);
  });

  it('reads one page, even an empty one, when the first names no next', async () => {
    const { read, asked } = numbers(0, 3);
    expect(await allItems(read)).toEqual([]);
    expect(asked).toEqual([undefined]);
  });

  it('reads no further than its caller goes', async () => {
    const { read, asked } = numbers(100, 10);
    for await (const n of itemsOf(read)) if (n === 12) break;
    expect(asked).toEqual([undefined, '10']);
    const sizes: number[] = [];
    for await (const page of pagesOf(numbers(25, 10).read)) sizes.push(page.length);
    expect(sizes).toEqual([10, 10, 5]);
  });
});

const root = fileURLToPath(new URL('../../../../../', import.meta.url));

/**
 * Files with a paging loop of their own, each with why: the helper itself, and the web apps', which
 * read the API page by page and depend on `events` alone, not on `core`.
 */
const OWN_LOOPS = ['packages/core/src/domain/shared/pages.ts', 'packages/web/app/shared/api.ts'];

describe('paging loops', () => {
  it('are written once: no other file loops while a token, cursor or next page is defined', () => {
    const files = [
      ...sourceFiles(join(root, 'packages'), { tests: false, skip: ['testing'] }),
      ...sourceFiles(join(root, 'stacks'), { tests: false, skip: ['testing'] }),
      ...sourceFiles(join(root, 'bench'), { tests: false, skip: ['testing'] }),
    ];
    expect(files.length).toBeGreaterThan(100);
    const loop = /while\s*\(\s*[\w.]+\s*!==\s*undefined\s*\)/;
    const own = files
      .filter((file) => loop.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file))
      .filter((file) => !OWN_LOOPS.includes(file));
    expect(own).toEqual([]);
  });
});
