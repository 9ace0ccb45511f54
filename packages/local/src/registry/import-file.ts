import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type ImportDeps,
  type ImportEntity,
  type ImportOptions,
  type ImportReport,
  importCsv,
} from '@ballotstream/core';
import { entityPlurals } from '@ballotstream/events';

/** The entity a file holds, from its name: `booths.csv` → booth, `voters-north.csv` → voter. */
export function entityOfFile(path: string): ImportEntity | undefined {
  const stem = basename(path)
    .toLowerCase()
    .replace(/\.csv$/, '');
  const word = /^[a-z]+/.exec(stem)?.[0] ?? '';
  if (word === 'voters' || word === 'voter') return 'voter';
  return (
    entityPlurals[word] ??
    (Object.values(entityPlurals).includes(word as never) ? (word as ImportEntity) : undefined)
  );
}

export interface FileImportOptions extends Omit<ImportOptions, 'open' | 'file' | 'onProgress'> {
  /** Bytes read of the file's size, and rows so far, in each pass. */
  readonly onProgress?: (progress: {
    phase: 'validating' | 'writing';
    bytes: number;
    size: number;
    rows: number;
  }) => void;
}

/** Imports a CSV file from disk, streaming it (twice when all-or-nothing) with byte-level progress. */
export async function importCsvFile(
  deps: ImportDeps,
  path: string,
  options: FileImportOptions,
): Promise<ImportReport> {
  const size = statSync(path).size;
  let bytes = 0;
  let phase: 'validating' | 'writing' = options.mode === 'per-row' ? 'writing' : 'validating';
  let rows = 0;
  const { onProgress, ...rest } = options;
  return importCsv(deps, {
    ...rest,
    file: basename(path),
    open: () => {
      bytes = 0;
      const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
      stream.on('data', (chunk) => {
        bytes += chunk.length;
        onProgress?.({ phase, bytes, size, rows });
      });
      return stream;
    },
    onProgress: (p) => {
      phase = p.phase;
      rows = p.rows;
      onProgress?.({ phase, bytes, size, rows });
    },
  });
}
