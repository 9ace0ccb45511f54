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
  small = await writeSyntheticElection(join(dir, 'small'), { ...base, booths: 10_000, voters: 50_000 });
  large = await writeSyntheticElection(join(dir, 'large'), { ...base, booths: 100_000, voters: 400_000 });
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

/** Imports a file while sampling the heap; returns the report and the peak growth over the start. */
async function measured(path: string, entity: 'booth' | 'voter' | 'machine') {
  gc();
  const start = process.memoryUsage().heapUsed;
  let peak = start;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 20);
  const report = await importCsvFile(deps, path, { entity, actor: 'faults', onProgress: sample });
  clearInterval(timer);
  sample();
  return { report, growthMb: (peak - start) / 2 ** 20 };
}

describe('importing large CSV files', () => {
  it('imports 100,000 booths and their machines, publishing an event per booth', async () => {
    const before = published;
    const booths = await measured(large.booths, 'booth');
    expect(booths.report).toMatchObject({ rows: 100_000, written: 100_000, refusedRows: 0 });
    expect(published - before).toBe(100_000 + 1);
    const machines = await measured(large.machines!, 'machine');
    expect(machines.report).toMatchObject({ rows: 100_000, written: 100_000, refusedRows: 0 });
    let counted = 0;
    for await (const _ of allEntities(records, 'booth', { regionId: 'r-3' })) counted++;
    expect(counted).toBe(10_000);
  });

  it('keeps memory flat: eight times the voters take about the same heap', async () => {
    const fewer = await measured(small.voters, 'voter');
    const more = await measured(large.voters, 'voter');
    expect(fewer.report).toMatchObject({ rows: 50_000, written: 50_000 });
    expect(more.report).toMatchObject({ rows: 400_000, written: 400_000 });
    // Holding the rows would cost hundreds of bytes each (~100 MB more for 350,000 extra rows);
    // the repeat check costs ~24 bytes a row. Allow that and the collector's slack, no more.
    const extraRows = 350_000;
    expect(more.growthMb - fewer.growthMb).toBeLessThan((extraRows * 24) / 2 ** 20 + 24);
  });
});
