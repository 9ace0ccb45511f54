import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Every function of a source file longer than `limit` lines, with its length. */
function longFunctions(path: string, limit: number): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = ts.isFunctionDeclaration(node) ? (node.name?.text ?? '(anonymous)') : `line ${start + 1}`;
      if (end - start + 1 > limit) found.push(`${name}: ${end - start + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('up.ts', () => {
  it('keeps every function within 80 lines', () => {
    expect(longFunctions(resolve(import.meta.dirname, 'up.ts'), 80)).toEqual([]);
  });
});
