import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';
import { startPrivateRedis } from '../src/testing/private-redis';
import {
  bearerFor,
  prepareVerificationLoad,
  racingAttempts,
  runVerifications,
  type VerificationRun,
} from '../src/testing/verification-load';

// This file uses Redis database 2 of the shared server, and flushes only that one.
const sharedRedis = process.env.REDIS_URL ? `${process.env.REDIS_URL.replace(/\/\d*$/, '')}/2` : undefined;

const VOTERS = 1000;
const ATTEMPTS = 8;

let runtime: Runtime | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the runtime on LMDB (the record store it uses) with the given Redis, and races 8 booths per voter. */
async function race(redisUrl: string | undefined, atHalfway?: () => Promise<void>): Promise<VerificationRun> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  dataDir = mkdtempSync(join(tmpdir(), 'bs-races-'));
  runtime = await startRuntime({
    dataDir,
    runSchedules: false,
    mqttTls: false,
    ...(redisUrl === undefined ? {} : { redisUrl }),
  } as Parameters<typeof startRuntime>[0]);
  const load = await prepareVerificationLoad(runtime.deps, { voters: VOTERS, booths: ATTEMPTS });
  return runVerifications(runtime.httpUrl, racingAttempts(load, ATTEMPTS), {
    concurrency: 64,
    headers: bearerFor(runtime, 'booth'),
    ...(atHalfway === undefined ? {} : { atHalfway }),
  });
}

function expectOneWinnerPerVoter(run: VerificationRun): void {
  expect(run.failed).toBe(0);
  expect(run.byStatus).toEqual({ 201: VOTERS, 409: VOTERS * (ATTEMPTS - 1) });
  expect(run.byError).toEqual({ 'already-voted': VOTERS * (ATTEMPTS - 1) });
  expect(new Set(run.tokens).size).toBe(VOTERS);
}

describe.skipIf(sharedRedis === undefined)(
  'one voter, one vote against real Redis (REDIS_URL is set)',
  () => {
    it('lets exactly one of 8 simultaneous booths verify each of 1,000 voters', async () => {
      const redis = new Redis(sharedRedis!);
      await redis.flushdb();
      redis.disconnect();
      expectOneWinnerPerVoter(await race(sharedRedis));
    });

    it('still lets exactly one booth win each voter when the Redis database is flushed mid-run', async () => {
      const redis = new Redis(sharedRedis!);
      await redis.flushdb();
      let keysBefore = 0;
      const run = await race(sharedRedis, async () => {
        keysBefore = await redis.dbsize();
        await redis.flushdb();
      });
      redis.disconnect();
      expect(keysBefore).toBeGreaterThan(0);
      expectOneWinnerPerVoter(run);
    });
  },
);

describe('one voter, one vote when Redis dies', () => {
  it('lets the durable store alone decide after the Redis server is killed mid-run', async () => {
    const redis = await startPrivateRedis();
    try {
      expectOneWinnerPerVoter(await race(redis.url, () => redis.kill()));
    } finally {
      await redis.kill();
    }
  });
});
