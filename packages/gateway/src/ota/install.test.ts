import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entryOf, installInitial, readInstallState } from './install';

const dir = mkdtempSync(join(tmpdir(), 'ota-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shipped = (version: string) => {
  const path = join(dir, `shipped-${version}.mjs`);
  writeFileSync(path, `// ${version}\n`);
  return path;
};

describe('the version a component ships with', () => {
  it('is installed when nothing is, and when it is newer than what an update installed', () => {
    const install = join(dir, 'install');
    expect(installInitial(install, '1.0.0', shipped('1.0.0'))).toEqual({ current: '1.0.0' });
    expect(installInitial(install, '1.0.0', shipped('1.0.0'))).toEqual({ current: '1.0.0' });
    expect(installInitial(install, '2.0.0', shipped('2.0.0'))).toEqual({
      current: '2.0.0',
      previous: '1.0.0',
    });
    expect(readFileSync(entryOf(install, '2.0.0'), 'utf8')).toBe('// 2.0.0\n');
  });

  it('does not undo a newer over-the-air update', () => {
    const install = join(dir, 'install');
    expect(installInitial(install, '1.5.0', shipped('1.5.0'))).toMatchObject({ current: '2.0.0' });
    expect(readInstallState(install)?.current).toBe('2.0.0');
  });
});
