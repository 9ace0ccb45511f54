import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCsvFile } from '@ballotstream/local/registry/import-file';
import { writeSyntheticElection } from '@ballotstream/local/registry/synthetic';
import { startRuntime } from '@ballotstream/local/runtime/runtime';
import { timed } from './measure';

export type CsvImportFigure =
  | {
      readonly status: 'measured';
      readonly rows: number;
      readonly seconds: number;
      readonly rowsPerSecond: number;
      readonly entity: string;
    }
  | { readonly status: 'pending'; readonly reason: string };

/**
 * CSV bulk import rows/s through the admin import (all-or-nothing: every row validated, then
 * written and audited), over a generated file of `booths` booths into a durable runtime.
 */
export async function csvImport(booths: number): Promise<CsvImportFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'ballotstream-bench-csv-'));
  const runtime = await startRuntime({ dataDir: join(dir, 'data'), runSchedules: false });
  try {
    const files = await writeSyntheticElection(join(dir, 'files'), {
      regions: 36,
      constituencies: 543,
      candidatesPerConstituency: 8,
      booths,
      voters: 1,
    });
    const actor = 'bench';
    for (const [entity, path] of [
      ['region', files.regions],
      ['constituency', files.constituencies],
    ] as const) {
      await importCsvFile(runtime.deps, path, { entity, actor });
    }
    const { ms, value } = await timed(() =>
      importCsvFile(runtime.deps, files.booths, { entity: 'booth', actor }),
    );
    if (value.written !== booths)
      return { status: 'pending', reason: `import wrote ${value.written} of ${booths} rows` };
    return {
      status: 'measured',
      rows: value.rows,
      seconds: ms / 1000,
      rowsPerSecond: value.rows / (ms / 1000),
      entity: 'booth',
    };
  } finally {
    await runtime.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
