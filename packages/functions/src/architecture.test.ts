import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '@ballotstream/core/testing';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const design = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');

const sources = [...sourceFiles(join(root, 'packages')), ...sourceFiles(join(root, 'stacks'))];

/** The paragraph of the design that starts with this bold heading, up to the next one. */
function section(heading: string): string {
  const start = design.indexOf(`**${heading}**`);
  if (start < 0) throw new Error(`ARCHITECTURE.md has no "${heading}"`);
  const next = design.slice(start + heading.length + 4).search(/\*\*[A-Z][^*]+\*\*|\n\n/);
  return design.slice(start, next < 0 ? undefined : start + heading.length + 4 + next);
}

/** What a paragraph names in backticks. */
function named(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** Whether a path the design names is a file or folder of the repository, as it abbreviates them. */
function isFile(path: string): boolean {
  const bases = ['', 'packages/', 'packages/functions/src/', 'packages/functions/src/shared/'];
  return bases.some((base) => existsSync(join(root, base, path)));
}

/** Whether a name the design uses is declared in some source file. */
function isDeclared(name: string): boolean {
  const declaration = new RegExp(
    `(?:function|const|class|interface|type|let)\\s+${name.replace(/[.$]/g, '\\$&')}\\b|\\b${name}\\s*:`,
  );
  return sources.some((file) => declaration.test(readFileSync(file, 'utf8')));
}

describe('ARCHITECTURE.md', () => {
  it('stays the design, at most 299 lines', () => {
    expect(design.split('\n').length - 1).toBeLessThanOrEqual(299);
  });

  for (const heading of ['Adding a port', 'Adding a trigger', 'Adding an event']) {
    it(`names, under "${heading}", files and declarations that exist`, () => {
      const missing = named(section(heading)).flatMap((name) => {
        if (name === 'core' || name.includes('(')) return [];
        if (/[/]|\.(ts|json)$/.test(name)) return isFile(name) ? [] : [name];
        // `sst.Linkable` and such name SST's API, not ours.
        if (name.startsWith('sst.')) return [];
        return /^[A-Za-z_$][\w$]*$/.test(name) && !isDeclared(name) ? [name] : [];
      });
      expect(missing).toEqual([]);
    });
  }

  it('finds a name or a file the design lists that is gone', () => {
    expect(isFile('functions/src/no-such-file.ts')).toBe(false);
    expect(isDeclared('NO_SUCH_ADAPTERS')).toBe(false);
    expect(isFile('functions/src/reaches.ts')).toBe(true);
    expect(isDeclared('LOCAL_ADAPTERS')).toBe(true);
  });
});
