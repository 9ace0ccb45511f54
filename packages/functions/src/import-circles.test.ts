import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFiles } from '@ballotstream/core/testing';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const options: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
};

const cache = ts.createModuleResolutionCache(root, (name) => name, options);

/**
 * The modules a file imports or re-exports by a static declaration, type-only ones included (a
 * circle of types is still a circle to read). A dynamic `import()` loads on demand, after every
 * module has, so it is no circle.
 */
function importsOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const specifiers = source.statements.flatMap((statement) =>
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
    statement.moduleSpecifier !== undefined &&
    ts.isStringLiteral(statement.moduleSpecifier)
      ? [statement.moduleSpecifier.text]
      : [],
  );
  return specifiers.flatMap((specifier) => {
    const resolved = ts.resolveModuleName(specifier, file, options, ts.sys, cache).resolvedModule;
    const target = resolved === undefined ? '' : (ts.sys.realpath?.(resolved.resolvedFileName) ?? '');
    return target.startsWith(root) && !target.includes('/node_modules/') ? [target] : [];
  });
}

/** Each circle of the graph once, as the files along it (Tarjan's strongly connected components). */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph of the repository', () => {
  it('finds a circle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'c']]);
  });

  // Every package (web and the gateway included), the SST app, the bench and the root configs.
  const rootFiles = readdirSync(root)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
    .map((name) => join(root, name));
  const files = [
    ...sourceFiles(join(root, 'packages')),
    ...sourceFiles(join(root, 'stacks')),
    ...sourceFiles(join(root, 'bench')),
    ...rootFiles,
  ];
  const graph = new Map(files.map((file) => [ts.sys.realpath?.(file) ?? file, importsOf(file)]));

  it('follows workspace package imports to their source files', () => {
    expect(graph.get(join(root, 'stacks/lib/queues.ts'))).toContain(
      join(root, 'packages/functions/src/triggers.ts'),
    );
    expect(graph.get(join(root, 'sst.config.ts'))).toBeDefined();
    expect([...graph.keys()].some((file) => file.startsWith(join(root, 'bench/')))).toBe(true);
    expect([...graph.keys()].some((file) => file.startsWith(join(root, 'packages/web/app/')))).toBe(true);
  });

  it('has no circle', () => {
    expect(files.length).toBeGreaterThan(100);
    const found = circles(graph).map((circle) => circle.map((file) => relative(root, file)));
    expect(found).toEqual([]);
  });
});
