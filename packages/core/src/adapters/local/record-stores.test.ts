import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { recordStoreContract } from '../../testing/record-store-contract';
import { LmdbRecordStore } from './lmdb-record-store';
import { MemoryRecordStore } from './memory-record-store';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-records-'));
  dirs.push(dir);
  return dir;
};

recordStoreContract('in-memory store', async () => new MemoryRecordStore());
recordStoreContract('LMDB file', async () => new LmdbRecordStore(tempDir()));

describe('the LMDB record store', () => {
  it('keeps what it wrote across a close and reopen', async () => {
    const dir = tempDir();
    const first = new LmdbRecordStore(dir);
    await first.put('voters', { pk: 'voter#x', sk: 'election#e', status: 'voted' }, { kind: 'absent' });
    await first.close();
    const second = new LmdbRecordStore(dir);
    expect(await second.get('voters', { pk: 'voter#x', sk: 'election#e' })).toMatchObject({
      status: 'voted',
    });
    expect(await second.put('voters', { pk: 'voter#x', sk: 'election#e' }, { kind: 'absent' })).toBe(false);
    await second.close();
  });
});
