import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const web = join(root, 'packages/web');

/** The web apps' code (tests aside), as `relative path → text`. */
function sources(dir: string): [string, string][] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): [string, string][] => {
    if (['node_modules', 'dist', 'public'].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    if (!entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts') || entry.name.endsWith('.d.ts'))
      return [];
    return [[relative(web, path), readFileSync(path, 'utf8')]];
  });
}

const apps = sources(join(web, 'app'));

describe('the web apps', () => {
  it('import no workspace package but events, whose schemas and response types they read', () => {
    const imports = apps.flatMap(([file, text]) =>
      [...text.matchAll(/from '(@ballotstream\/[\w-]+)/g)]
        .map((m) => m[1]!)
        .filter((pkg) => pkg !== '@ballotstream/events')
        .map((pkg) => `${file} imports ${pkg}`),
    );
    expect(apps.length).toBeGreaterThan(10);
    expect(imports).toEqual([]);
  });

  it('call the API only through shared/api.ts, which parses every answer with its schema', () => {
    const direct = apps
      .filter(([file]) => file !== join('app', 'shared', 'api.ts'))
      .filter(([, text]) => /\bfetch\(|\.json\(\)/.test(text))
      .map(([file]) => file);
    expect(direct).toEqual([]);
  });

  it('take nothing parsed from text as a type unchecked (a claims record is read field by field)', () => {
    const unchecked = apps
      .filter(([, text]) =>
        /(?:JSON\.parse\([^;]*\)|\.json\(\)[^;]*)\s+as\s+(?!Record<string, unknown>)/.test(text),
      )
      .map(([file]) => file);
    expect(unchecked).toEqual([]);
  });
});
