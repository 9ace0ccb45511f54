import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/runtime/data-dir';

// A service manager stops a service with SIGTERM: to the process it started (npm, say), or to its
// whole process group (systemd's default). Either way the runtime must stop, and stop cleanly.
const repo = resolve(import.meta.dirname, '../../..');
const cli = resolve(import.meta.dirname, '../src/cli.ts');
const root = mkdtempSync(join(tmpdir(), 'ballotstream-signals-'));
const started: ChildProcess[] = [];

afterEach(() => {
  // Whatever a failed test left running goes, group and all.
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Running {
  readonly leader: ChildProcess;
  readonly dataDir: string;
  readonly httpUrl: string;
  output(): string;
}

/** Starts `up` in a process group of its own, as a service manager would, and waits until it serves. */
async function startUp(command: string, args: readonly string[]): Promise<Running> {
  const dataDir = mkdtempSync(join(root, 'data-'));
  // Building the web apps is not what this is about, and on a fresh clone it takes a while.
  const leader = spawn(command, [...args, 'up', '--plain-mqtt', '--no-web-build', '--data-dir', dataDir], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  started.push(leader);
  let text = '';
  leader.stdout!.on('data', (chunk) => {
    text += String(chunk);
  });
  leader.stderr!.on('data', (chunk) => {
    text += String(chunk);
  });
  const until = Date.now() + 120_000;
  for (;;) {
    const url = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    if (url !== undefined) return { leader, dataDir, httpUrl: url, output: () => text };
    if (leader.exitCode !== null || Date.now() > until) throw new Error(`up did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for every process of the group to be gone; false if some still run after `ms`. */
async function groupGone(pgid: number, ms = 60_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serves(httpUrl: string): Promise<boolean> {
  try {
    await fetch(`${httpUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

describe('ballotstream up stops cleanly on SIGTERM', () => {
  it.each([
    ['the command line itself', 'the process', process.execPath, ['--import', 'tsx', cli]],
    ['npm run ballotstream', 'the npm process', 'npm', ['run', '--silent', 'ballotstream', '--']],
    ['npm run ballotstream', 'the process group', 'npm', ['run', '--silent', 'ballotstream', '--']],
  ] as const)(
    'started as %s, signalled to %s',
    async (_how, target, command, args) => {
      const running = await startUp(command, args);
      expect(await serves(running.httpUrl)).toBe(true);
      const pid = running.leader.pid!;
      if (target === 'the process group') process.kill(-pid, 'SIGTERM');
      else process.kill(pid, 'SIGTERM');
      expect(await groupGone(pid), running.output()).toBe(true);
      expect(running.output()).toContain('stopped cleanly');
      expect(await serves(running.httpUrl)).toBe(false);
      expect(existsSync(join(running.dataDir, LOCK_FILE))).toBe(false);
    },
    240_000,
  );
});
