import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandHelp } from '../../src/cli/args';
import { commands } from '../../src/cli/commands';
import { startRuntime } from '../../src/runtime/runtime';

const cli = resolve(import.meta.dirname, '../../src/cli.ts');
// tsx is found from this repository, not from the fresh folder each run works in.
const tsx = pathToFileURL(resolve(import.meta.dirname, '../../../../node_modules/tsx/dist/loader.mjs')).href;
const blueprint = resolve(import.meta.dirname, '../../../../elections/city-municipal.json');
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ballotstream-cli-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Runs the command line in a working directory of its own, as a user in a fresh folder would. */
function ballotstream(cwd: string, ...args: string[]) {
  mkdirSync(cwd, { recursive: true });
  return spawnSync(process.execPath, ['--import', tsx, cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
}

describe('the command line', () => {
  it.each(commands.map((c) => c.name))(
    'prints the usage and flags of %s for --help and runs nothing',
    (name) => {
      const command = commands.find((c) => c.name === name)!;
      const help = commandHelp(command);
      expect(help).toContain(`usage: ballotstream ${name}`);
      for (const flag of Object.keys(command.flags)) expect(help).toContain(`--${flag}`);
    },
  );

  it('answers up --help with its flags and starts no runtime', () => {
    const cwd = join(root, 'up-help');
    const run = ballotstream(cwd, 'up', '--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--http-port');
    expect(run.stdout).toContain('--demo');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('answers generate -h with its flags and writes no file', () => {
    const cwd = join(root, 'generate-help');
    const run = ballotstream(cwd, 'generate', '-h', '--booths', '5');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('--machines');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses an unknown flag with exit code 2, naming it', () => {
    const cwd = join(root, 'unknown-flag');
    const run = ballotstream(cwd, 'up', '--port', '99999');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("'--port'");
    expect(run.stderr).toContain('ballotstream up --help');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses a port out of range before it starts anything', () => {
    const cwd = join(root, 'bad-port');
    const run = ballotstream(cwd, 'up', '--http-port', '99999', '--no-web-build');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--http-port must be between 0 and 65535, not 99999');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses a number flag given a word, and a switch given a value', () => {
    const cwd = join(root, 'bad-values');
    expect(ballotstream(cwd, 'generate', '--booths', 'many').status).toBe(2);
    const run = ballotstream(cwd, 'generate', '--machines=yes');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--machines');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('refuses an unknown command with exit code 2', () => {
    expect(ballotstream(join(root, 'unknown'), 'upp').status).toBe(2);
  });

  it('exports from a missing data directory without creating it', () => {
    const cwd = join(root, 'export-missing');
    const run = ballotstream(cwd, 'export', 'booths', '--data-dir', 'nowhere');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no records in');
    expect(existsSync(join(cwd, 'nowhere'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each(['ticket-keys', 'ticket-keys list', 'audit verify', 'alerts'])(
    'reads nothing into being: %s on a missing data directory creates no directory, key or store',
    (command) => {
      const cwd = join(root, `read-only-${command.replace(' ', '-')}`);
      const run = ballotstream(cwd, ...command.split(' '), '--data-dir', 'nowhere');
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('nowhere');
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it('caps the bad rows of an import and ends with their count and the import order', () => {
    const cwd = join(root, 'import-order');
    expect(ballotstream(cwd, 'generate', '--out', 'csv', '--booths', '30', '--regions', '2').status).toBe(0);
    // Booths before their constituencies: every row names one not registered yet.
    const run = ballotstream(cwd, 'import', 'csv/booths.csv', '--data-dir', 'data', '--max-problems', '5');
    expect(run.status).toBe(1);
    const rowLines = run.stderr.split('\n').filter((l) => l.startsWith('csv/booths.csv:'));
    expect(rowLines).toHaveLength(5);
    expect(run.stderr).toContain('… and 25 more bad row(s), 30 in all');
    expect(run.stderr).toMatch(/import in reference order, regions, constituencies, candidates, booths/);
  });

  it('mints a token with --config in the data directory up --config runs, and that runtime accepts it', async () => {
    const cwd = join(root, 'same-dir');
    const minted = ballotstream(cwd, 'token', '--config', blueprint, '--role', 'admin');
    expect(minted.status).toBe(0);
    expect(existsSync(join(cwd, '.data', 'city-municipal', 'keys'))).toBe(true);
    expect(existsSync(join(cwd, '.data', 'local'))).toBe(false);
    const runtime = await startRuntime({
      dataDir: join(cwd, '.data', 'city-municipal'),
      runSchedules: false,
      mqttTls: false,
    });
    try {
      const token = minted.stdout.trim();
      const answer = await fetch(`${runtime.httpUrl}/monitor/tallies?level=country`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.status).toBe(200);
    } finally {
      await runtime.stop();
    }
  });
});
