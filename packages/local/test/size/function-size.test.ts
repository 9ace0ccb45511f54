import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../../..');
const limit = 80;

/**
 * Functions still over the limit, by `file#name`, with their line count: none today. An entry
 * may only be added with a reason, its count may only go down, and it is deleted once its function
 * is at or under the limit (the test says so).
 */
const knownOffenders: Readonly<Record<string, number>> = {};

interface Measured {
  readonly key: string;
  readonly line: number;
  readonly lines: number;
}

/**
 * Every TypeScript file under `dir` that is not a test, a declaration file or a dependency.
 * `testing/` folders hold the contract suites and test servers that only tests import: test code.
 */
function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'testing' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    if (!/\.tsx?$/.test(name) || /\.test\.tsx?$/.test(name) || name.endsWith('.d.ts')) return [];
    return [path];
  });
}

/** The name a reader would look for: the declaration's own, or what it is assigned or passed to. */
function nameOf(node: ts.Node, file: ts.SourceFile): string {
  const named = (node as { name?: ts.Node }).name;
  const own = named !== undefined ? named.getText(file) : undefined;
  const parent = node.parent;
  if (ts.isClassLike(parent) || ts.isObjectLiteralExpression(parent)) {
    const owner = ts.isClassLike(parent) && parent.name ? parent.name.text : undefined;
    return owner !== undefined ? `${owner}.${own}` : (own ?? 'anonymous');
  }
  if (own !== undefined) return own;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText(file);
  const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  return `anonymous@${line}`;
}

/** Line counts of every function-like node in one file. */
function measure(path: string): Measured[] {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Measured[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body !== undefined) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({
        key: `${relative(root, path)}#${nameOf(node, file)}`,
        line: start + 1,
        lines: end - start + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function scan(): Measured[] {
  const packages = readdirSync(join(root, 'packages'));
  const dirs = [
    ...packages.map((p) => join(root, 'packages', p, 'src')),
    join(root, 'packages/web/app'),
    join(root, 'stacks'),
    join(root, 'bench'),
  ];
  // The SST app's entry and the test configs at the root are code too.
  const rootFiles = readdirSync(root)
    .filter((name) => /\.tsx?$/.test(name) && !name.endsWith('.d.ts'))
    .map((name) => join(root, name));
  return [...dirs.flatMap(sourceFiles), ...rootFiles].flatMap(measure);
}

describe('function size', () => {
  const measured = scan();
  const over = measured.filter((m) => m.lines > limit);

  it('finds the functions it measures (the scan reads the source tree)', () => {
    expect(measured.length).toBeGreaterThan(500);
    expect(measured.some((m) => m.key.startsWith('sst.config.ts#'))).toBe(true);
  });

  it(`keeps every function at or under ${limit} lines, but for known offenders that only shrink`, () => {
    const problems: string[] = [];
    for (const m of over) {
      const known = knownOffenders[m.key];
      if (known === undefined)
        problems.push(
          `${m.key} (line ${m.line}) is ${m.lines} lines: split it into named steps of ≤ ${limit}`,
        );
      else if (m.lines > known)
        problems.push(`${m.key} grew from ${known} to ${m.lines} lines: it may only shrink`);
    }
    expect(problems).toEqual([]);
  });

  it('lists no offender that is already within the limit or gone', () => {
    const stale = Object.keys(knownOffenders).filter((key) => !over.some((m) => m.key === key));
    expect(
      stale.map((key) => `${key} is within ${limit} lines now: delete its entry from knownOffenders`),
    ).toEqual([]);
  });
});
