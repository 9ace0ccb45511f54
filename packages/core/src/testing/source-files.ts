import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Folders no source scan reads: dependencies, builds, the SST platform, data directories. */
const NOT_SOURCES = ['node_modules', 'dist', '.sst', '.data'];

/**
 * Every TypeScript file under a folder (`.ts` and `.tsx`, not declaration files), for the tests
 * that hold a rule over the source: with the tests themselves unless `tests: false`, and skipping
 * the named folders beside dependencies and builds.
 */
export function sourceFiles(
  dir: string,
  options: { tests?: boolean; skip?: readonly string[] } = {},
): string[] {
  const { tests = true, skip = [] } = options;
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (NOT_SOURCES.includes(entry.name) || skip.includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path, options);
    if (!/\.tsx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) return [];
    return tests || !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}
