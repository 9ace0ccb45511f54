import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from './issues';

const schema = z.object({ a: z.number(), b: z.object({ c: z.string() }) });

describe('describeIssues', () => {
  it('names each bad field by its path, in order, with a prefix and a limit', () => {
    const failed = schema.safeParse({ a: 'x', b: { c: 1 } });
    expect(failed.success).toBe(false);
    if (failed.success) return;
    expect(describeIssues(failed.error)).toEqual([
      'a: Invalid input: expected number, received string',
      'b.c: Invalid input: expected string, received number',
    ]);
    expect(describeIssues(failed.error, { prefix: 'aws.', limit: 1 })).toEqual([
      'aws.a: Invalid input: expected number, received string',
    ]);
  });

  it('calls the value itself by the name given', () => {
    const failed = z.string().safeParse(3);
    if (failed.success) throw new Error('expected a failure');
    expect(describeIssues(failed.error, { whole: '(body)' })).toEqual([
      '(body): Invalid input: expected string, received number',
    ]);
  });
});

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Every TypeScript file that is not a test, under a folder, outside dependencies and builds. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (['node_modules', 'dist', '.sst', '.data'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Files that read a schema failure's issues themselves, each with why: the CSV import reports
 * each issue as a problem of its own, at the column the path maps to, not as a line of text.
 */
const READS_ISSUES = ['packages/events/src/issues.ts', 'packages/core/src/domain/registry/csv-import.ts'];

describe('the wording of schema failures', () => {
  it('is written in one place: no other file turns zod issues into text', () => {
    const files = [
      ...sources(join(root, 'packages')),
      ...sources(join(root, 'stacks')),
      ...sources(join(root, 'bench')),
    ];
    expect(files.length).toBeGreaterThan(100);
    const own = files
      .filter((file) => /\.issues\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file))
      .filter((file) => !READS_ISSUES.includes(file));
    expect(own).toEqual([]);
  });
});
