import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { VERSION_ENV } from '../greengrass/component-config';
import { entryOf, type InstallState, readInstallState, versionDir, writeInstallState } from './install';
import { signedManifestSchema } from './manifest';
import { MANIFEST_FILE } from './update-package';

/** The exit code a gateway version leaves with to have the host swap in the staged update. */
export const SWAP_EXIT_CODE = 75;

export { VERSION_ENV } from '../greengrass/component-config';

export interface GatewayHostOptions {
  /** The install folder (`install.ts`): versions, and the state naming the current one. */
  readonly dir: string;
  /** What each gateway version is started with after its entry point (its config file, or `--greengrass`). */
  readonly args: readonly string[];
  readonly node?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Every line a version writes on stdout, with the version that wrote it. */
  readonly onLine?: (line: string, version: string) => void;
  /** How long a new version has to say it is ready (default 20 s). */
  readonly readyTimeoutMs?: number;
}

/**
 * Runs the installed gateway version as a child process and swaps versions: when a version exits
 * with `SWAP_EXIT_CODE`, the host starts the update on trial; it must say `ready` with at least
 * as many votes pending as the old version left (its durable queue opened, nothing lost) and stay
 * up for the manifest's `healthCheckMs`. Then it becomes current and owes the job SUCCEEDED;
 * otherwise it is stopped, the old version runs again and owes the job FAILED.
 */
export class GatewayHost {
  private child: ChildProcess | undefined;
  private running: string | undefined;
  private stopping = false;
  private pendingAtSwap = 0;
  private readonly started: string[] = [];

  constructor(private readonly options: GatewayHostOptions) {}

  /** Starts the current version. */
  start(): void {
    this.stopping = false;
    this.launch(this.state().current);
  }

  /** The version running now. */
  version(): string | undefined {
    return this.running;
  }

  /** Every version started so far, in order. */
  history(): readonly string[] {
    return this.started;
  }

  /** Writes one command line to the running version. */
  send(line: string): void {
    this.child?.stdin?.write(`${line}\n`);
  }

  /** Ends the running version by closing its input, which stops it cleanly. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin?.end();
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  }

  private state(): InstallState {
    const state = readInstallState(this.options.dir);
    if (state === undefined) throw new Error(`nothing is installed in ${this.options.dir}`);
    return state;
  }

  private launch(version: string, trial?: NonNullable<InstallState['trial']>): void {
    const child = spawn(
      this.options.node ?? process.execPath,
      [entryOf(this.options.dir, version), ...this.options.args],
      {
        env: { ...process.env, ...this.options.env, [VERSION_ENV]: version },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    this.child = child;
    this.running = version;
    this.started.push(version);
    const health = trial === undefined ? undefined : this.watchHealth(child, trial);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const pending = /^(?:ready|updating \S+) pending=(\d+)/.exec(line);
      if (pending !== null && line.startsWith('updating')) this.pendingAtSwap = Number(pending[1]);
      if (pending !== null && line.startsWith('ready')) health?.ready(Number(pending[1]));
      this.options.onLine?.(line, version);
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.stopping) return;
      if (code === SWAP_EXIT_CODE && this.state().trial !== undefined) {
        const next = this.state().trial!;
        this.launch(next.to, next);
      } else if (health !== undefined) {
        health.failed(`version ${version} exited with code ${code} during its health check`);
      } else {
        // Greengrass restarts a component that died; so does the host, with the same version.
        setTimeout(() => this.stopping || this.launch(this.state().current), 500).unref();
      }
    });
  }

  /** Judges a version on trial: ready in time with the queue it was handed, then up for the manifest's health check. */
  private watchHealth(child: ChildProcess, trial: NonNullable<InstallState['trial']>) {
    const manifest = signedManifestSchema.parse(
      JSON.parse(readFileSync(join(versionDir(this.options.dir, trial.to), MANIFEST_FILE), 'utf8')),
    ).manifest;
    let settled = false;
    const settle = (outcome: 'healthy' | string) => {
      if (settled) return;
      settled = true;
      clearTimeout(readyTimer);
      if (outcome === 'healthy') return this.promote(trial);
      this.rollBack(child, trial, outcome);
    };
    const readyTimer = setTimeout(
      () => settle(`version ${trial.to} did not say ready in time`),
      this.options.readyTimeoutMs ?? 20_000,
    );
    return {
      ready: (pending: number) => {
        clearTimeout(readyTimer);
        if (pending < this.pendingAtSwap) {
          return settle(`version ${trial.to} opened ${pending} pending votes of ${this.pendingAtSwap}`);
        }
        setTimeout(() => child.exitCode === null && settle('healthy'), manifest.conditions.healthCheckMs);
      },
      failed: (why: string) => settle(why),
    };
  }

  private promote(trial: NonNullable<InstallState['trial']>): void {
    writeInstallState(this.options.dir, {
      current: trial.to,
      previous: trial.from,
      report: { jobId: trial.jobId, status: 'SUCCEEDED', details: { version: trial.to } },
    });
    this.send('ota-report');
  }

  private rollBack(child: ChildProcess, trial: NonNullable<InstallState['trial']>, why: string): void {
    writeInstallState(this.options.dir, {
      current: trial.from,
      report: {
        jobId: trial.jobId,
        status: 'FAILED',
        details: { reason: 'health-check', detail: why.slice(0, 1024), rolledBackTo: trial.from },
      },
    });
    if (this.child === child) {
      this.child = undefined;
      child.kill('SIGKILL');
    }
    if (!this.stopping) this.launch(trial.from);
  }
}
