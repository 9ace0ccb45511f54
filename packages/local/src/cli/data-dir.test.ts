import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ParsedArgs } from './args';
import { dataDirOf } from './data-dir';

const args = (flags: Record<string, string | true>): ParsedArgs => ({
  positional: [],
  flags: new Map(Object.entries(flags)),
});
const blueprint = resolve(import.meta.dirname, '../../../../elections/national-general.json');

describe('the data directory rule', () => {
  it('takes --data-dir over everything else', () => {
    expect(dataDirOf(args({ 'data-dir': 'x', demo: true, config: blueprint }))).toBe(resolve('x'));
  });

  it("takes the demo's directory for --demo, and the blueprint's stage for --config", () => {
    expect(dataDirOf(args({ demo: true }))).toBe(resolve('.data/demo'));
    expect(dataDirOf(args({ config: blueprint }))).toBe(resolve('.data/national-general'));
  });

  it('falls back to .data/local', () => {
    expect(dataDirOf(args({}))).toBe(resolve('.data/local'));
  });
});
