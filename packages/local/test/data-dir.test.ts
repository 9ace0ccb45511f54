import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataDirBusyError,
  DEMO_MARKER,
  LOCK_FILE,
  lockDataDir,
  NotADemoDirError,
  resetDemoDir,
} from '../src/runtime/data-dir';
import { startRuntime } from '../src/runtime/runtime';

const cli = resolve(import.meta.dirname, '../src/cli.ts');
let root: string;
let umask: number;

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  root = mkdtempSync(join(tmpdir(), 'ballotstream-data-dir-'));
  // A usual shell's umask, under which files are readable by everyone unless made otherwise.
  umask = process.umask(0o022);
});

afterAll(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

/** Runs the command line as a user would, from a shell whose umask is 022. */
function ballotstream(...args: string[]) {
  return spawnSync(
    '/bin/sh',
    ['-c', 'umask 022; exec "$0" --import tsx "$@"', process.execPath, cli, ...args],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } },
  );
}

/** Every path under a directory whose permission bits are not the expected ones. */
function looser(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    const expected = stat.isDirectory() ? 0o700 : 0o600;
    if (!stat.isSymbolicLink() && (stat.mode & 0o777) !== expected)
      found.push(`${path.slice(dir.length) || '/'} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  return found;
}

const vote = (voteId: string) => ({
  voteId,
  electionId: 'e-1',
  constituencyId: 'c-1',
  boothId: 'b-1',
  machineId: 'm-1',
  candidateId: 'x',
  bucketStart: 0,
});

describe('a data directory', () => {
  it("is created 0700 and every file the runtime writes in it is 0600, the stores' own included", async () => {
    const dir = join(root, 'modes', 'data');
    const runtime = await startRuntime({ dataDir: dir, runSchedules: false, mqttTls: true });
    try {
      await runtime.deps.voteStores.primary.record([vote('v-1')]);
      await runtime.deps.voteStores.secondary.record([vote('v-1')]);
      await runtime.deps.records.put('registry', { pk: 'p', sk: 's' });
      expect(looser(dir)).toEqual([]);
    } finally {
      await runtime.stop();
    }
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining(['votes-primary.duckdb', 'records', 'keys', 'pki']),
    );
    expect(looser(dir)).toEqual([]);
  });

  it('refuses a second runtime while a live one holds it, naming the process, and lets one in after', async () => {
    const dir = join(root, 'busy');
    const first = await startRuntime({ dataDir: dir, runSchedules: false });
    try {
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
      const second = startRuntime({ dataDir: dir, runSchedules: false });
      await expect(second).rejects.toThrow(DataDirBusyError);
      await expect(second).rejects.toThrow(`in use by ballotstream process ${process.pid}`);
    } finally {
      await first.stop();
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const third = await startRuntime({ dataDir: dir, runSchedules: false });
    await third.stop();
  });

  it('takes over the lock of a runtime that died without releasing it', async () => {
    const dir = join(root, 'stale');
    mkdirSync(dir, { mode: 0o700 });
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dir, LOCK_FILE), `${gone}\n`, { mode: 0o600 });
    const runtime = await startRuntime({ dataDir: dir, runSchedules: false });
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    await runtime.stop();
  });
});

describe('ballotstream up --demo', () => {
  it('empties a directory only when it made and marked it, keeping the lock', () => {
    const dir = join(root, 'marked');
    const lock = lockDataDir(dir);
    try {
      resetDemoDir(lock);
      writeFileSync(join(dir, 'votes-primary.duckdb'), 'an earlier demo');
      resetDemoDir(lock);
      expect(readdirSync(dir).sort()).toEqual([DEMO_MARKER, LOCK_FILE].sort());
      rmSync(join(dir, DEMO_MARKER));
      writeFileSync(join(dir, 'notes.txt'), 'mine');
      expect(() => resetDemoDir(lock)).toThrow(NotADemoDirError);
      expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    } finally {
      lock.release();
    }
  });

  it('refuses a directory it did not create, and leaves what it holds', () => {
    const dir = join(root, 'someone-elses');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), 'years of work');
    const run = ballotstream('up', '--demo', '--data-dir', dir);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toContain('did not create');
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('years of work');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("never wipes a running demo's data: a second one is refused", async () => {
    const dir = join(root, 'running-demo');
    const lock = lockDataDir(dir);
    resetDemoDir(lock);
    const runtime = await startRuntime({ dataDir: dir, dataDirLock: lock, runSchedules: false });
    try {
      await runtime.deps.voteStores.primary.record([vote('v-kept')]);
      const run = ballotstream('up', '--demo', '--data-dir', dir);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain(`in use by ballotstream process ${process.pid}`);
      expect(await runtime.deps.voteStores.primary.tally('e-1', 0, 1)).toEqual([
        { constituencyId: 'c-1', candidateId: 'x', votes: 1 },
      ]);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining([DEMO_MARKER, 'votes-primary.duckdb', 'keys']));
    } finally {
      await runtime.stop();
    }
  });
});

describe('ballotstream issue-cert', () => {
  it('writes the machine key 0600 into a file of its own, never into one another reader holds open', () => {
    const dir = join(root, 'certs');
    const out = join(dir, 'machines');
    mkdirSync(out, { recursive: true });
    const keyPath = join(out, 'm-7.key.pem');
    writeFileSync(keyPath, 'an older key, world-readable', { mode: 0o644 });
    // Someone opened the old, readable file; a key written into that same file would reach them.
    const reader = openSync(keyPath, 'r');
    try {
      const run = ballotstream('issue-cert', 'm-7', '--data-dir', dir);
      expect(run.status, run.stderr).toBe(0);
      const seen = Buffer.alloc(4096);
      const n = readSync(reader, seen, 0, seen.length, 0);
      expect(seen.subarray(0, n).toString('utf8')).not.toContain('PRIVATE KEY');
    } finally {
      closeSync(reader);
    }
    expect(readFileSync(keyPath, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect((lstatSync(keyPath).mode & 0o777).toString(8)).toBe('600');
    expect(looser(join(dir, 'pki'))).toEqual([]);
  });
});
