import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Runtime, type RuntimeOptions, startRuntime } from '../runtime/runtime';
import {
  bearerFor,
  prepareVerificationLoad,
  racingAttempts,
  runVerifications,
  type VerificationRun,
} from './verification-load';

export interface RaceOptions {
  readonly voters: number;
  /** Booths that try each voter at the same moment. */
  readonly attemptsPerVoter: number;
  /** The Redis the voter cache uses; without one, the in-process cache. */
  readonly redisUrl?: string;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** A fault to inject when half the answers are in (flush the cache, kill Redis). */
  readonly atHalfway?: (runtime: Runtime) => Promise<void>;
}

export interface RaceOutcome extends VerificationRun {
  /** How long preparing the voters took, apart from the race itself. */
  readonly prepareMs: number;
}

/**
 * Starts a runtime on LMDB in a fresh directory (the record store the runtime uses), issues
 * tickets to `voters` people, and has `attemptsPerVoter` booths verify each of them at once.
 */
export async function raceVerifications(options: RaceOptions): Promise<RaceOutcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bs-races-'));
  const runtimeOptions: RuntimeOptions = {
    dataDir,
    runSchedules: false,
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
  };
  const runtime = await startRuntime({ ...runtimeOptions, mqttTls: false } as RuntimeOptions);
  try {
    const started = performance.now();
    const load = await prepareVerificationLoad(runtime.deps, {
      voters: options.voters,
      booths: options.attemptsPerVoter,
    });
    const prepareMs = performance.now() - started;
    const inject = options.atHalfway;
    const run = await runVerifications(runtime.httpUrl, racingAttempts(load, options.attemptsPerVoter), {
      concurrency: options.concurrency ?? 64,
      headers: bearerFor(runtime, 'booth'),
      ...(inject === undefined ? {} : { atHalfway: () => inject(runtime) }),
    });
    return { ...run, prepareMs };
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
