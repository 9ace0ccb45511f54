import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { allEntities, type ImportDeps } from '@ballotstream/core';
import { LmdbRecordStore } from '@ballotstream/core/adapters/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvFile } from '../../src/registry/import-file';
import { type SyntheticFiles, writeSyntheticElection } from '../../src/registry/synthetic';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const dir = mkdtempSync(join(tmpdir(), 'ballotstream-import-'));
let small: SyntheticFiles;
let large: SyntheticFiles;
let records: LmdbRecordStore;
let deps: ImportDeps;
let published = 0;

beforeAll(async () => {
  const base = { regions: 10, constituencies: 200, candidatesPerConstituency: 5, machines: true };
  small = await writeSyntheticElection(join(dir, 'small'), { ...base, booths: 10_000, voters: 25_000 });
  large = await writeSyntheticElection(join(dir, 'large'), { ...base, booths: 100_000, voters: 200_000 });
  records = new LmdbRecordStore(join(dir, 'records'));
  deps = {
    records,
    clock: { now: () => Date.parse('2026-05-01T00:00:00Z') },
    publisher: {
      publish: async (batch) => {
        published += batch.length;
      },
    },
    config: { electionId: 'faults-2026' },
  };
  for (const key of ['regions', 'constituencies', 'candidates'] as const) {
    await importCsvFile(deps, small[key], {
      entity: key === 'regions' ? 'region' : key === 'candidates' ? 'candidate' : 'constituency',
      actor: 'faults',
    });
  }
});

afterAll(async () => {
  await records?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Imports a file, measuring the heap that survives a full collection at every progress point
 * (every 5,000 rows of each pass), typed arrays included: what the import retains, not what the collector has yet to free.
 */
async function measured(path: string, entity: 'voter') {
  const retained = () => {
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const start = retained();
  let peak = start;
  let lastRows = 0;
  const report = await importCsvFile(deps, path, {
    entity,
    actor: 'faults',
    onProgress: ({ rows }) => {
      if (rows === 0 || rows === lastRows || rows % 5000 !== 0) return;
      lastRows = rows;
      peak = Math.max(peak, retained());
    },
  });
  return { report, growthMb: (peak - start) / 2 ** 20 };
}

describe('importing large CSV files', () => {
  it('imports 100,000 booths and their machines, publishing an event per booth', async () => {
    const before = published;
    const booths = { report: await importCsvFile(deps, large.booths, { entity: 'booth', actor: 'faults' }) };
    expect(booths.report).toMatchObject({ rows: 100_000, written: 100_000, refusedRows: 0 });
    expect(published - before).toBe(100_000 + 1);
    const machines = {
      report: await importCsvFile(deps, large.machines!, { entity: 'machine', actor: 'faults' }),
    };
    expect(machines.report).toMatchObject({ rows: 100_000, written: 100_000, refusedRows: 0 });
    let counted = 0;
    for await (const _ of allEntities(records, 'booth', { regionId: 'r-3' })) counted++;
    expect(counted).toBe(10_000);
  });

  it('keeps memory flat: eight times the voters take about the same heap', async () => {
    const fewer = await measured(small.voters, 'voter');
    const more = await measured(large.voters, 'voter');
    expect(fewer.report).toMatchObject({ rows: 25_000, written: 25_000 });
    expect(more.report).toMatchObject({ rows: 200_000, written: 200_000 });
    // Holding the rows would cost hundreds of bytes each (~50 MB more for 175,000 extra rows);
    // the repeat check costs ~24 bytes a row (its table doubles, so up to twice that). No more.
    const extraRows = 175_000;
    expect(more.growthMb - fewer.growthMb).toBeLessThan((extraRows * 48) / 2 ** 20 + 4);
  });
});
