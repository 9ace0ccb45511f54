import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keyFingerprint, recordKeys } from '@ballotstream/core';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../../src/demo/seed';
import { startRuntime } from '../../src/runtime/runtime';

const cli = resolve(import.meta.dirname, '../../src/cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'ballotstream-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });

describe('ballotstream export-bulletin', () => {
  it("writes the data dir's election as static files signed by the key made on first run", async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const dataDir = join(dir, 'data');
    const runtime = await startRuntime({ dataDir, runSchedules: false });
    const { config } = runtime.deps;
    await seedDemoElection(runtime.deps, {
      regions: 1,
      constituenciesPerRegion: 1,
      candidatesPerConstituency: 2,
      boothsPerConstituency: 2,
      voters: 0,
    });
    await runtime.deps.records.put('registry', {
      ...recordKeys.registryEntity('election', config.electionId),
      electionId: config.electionId,
      opensAt: new Date(Date.now() - 12 * 3600_000).toISOString(),
      closesAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    await runtime.stop();
    const keyFile = join(dataDir, 'keys', 'election-p256.pem');
    expect(existsSync(keyFile)).toBe(true);

    const out = join(dir, 'mirror');
    const exported = run('export-bulletin', '--data-dir', dataDir, '--out', out);
    expect({ status: exported.status, stderr: exported.stderr }).toMatchObject({ status: 0 });
    const publicKey = readFileSync(join(out, 'election-key.pem'), 'utf8');
    expect(exported.stdout).toContain(`election key sha256 ${keyFingerprint(publicKey)}`);

    // Pinned to the key the mirror announced; both machines never reported and are named.
    const checked = run('verify-election', out, '--key-fingerprint', keyFingerprint(publicKey));
    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/DIFFERENCE: machine m-1-1-1 .*no result record \(it never reported\)/);
    expect(checked.stdout).toMatch(/DIFFERENCE: machine m-1-1-2 .*no result record \(it never reported\)/);
    expect(checked.stdout).not.toContain('not the one expected');
    const otherKey = run('verify-election', out, '--key-fingerprint', 'a'.repeat(64));
    expect(otherKey.stdout).toContain(`is not the one expected (${'a'.repeat(64)})`);
  }, 120_000);
});
