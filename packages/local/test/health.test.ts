import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';
import { startPrivateRedis } from '../src/testing/private-redis';

const hasRedisServer = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

async function health(r: Runtime) {
  const response = await fetch(`${r.httpUrl}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /health', () => {
  it('reports the cache and each store up, and answers 503 naming the store that is down', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    runtime = await startRuntime({ runSchedules: false });
    expect(await health(runtime)).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        dependencies: { cache: 'up', records: 'up', votesPrimary: 'up', votesSecondary: 'up' },
      },
    });
    await runtime.deps.voteStores.secondary.close();
    expect(await health(runtime)).toMatchObject({
      status: 503,
      body: {
        status: 'degraded',
        dependencies: { cache: 'up', records: 'up', votesPrimary: 'up', votesSecondary: 'down' },
      },
    });
  });

  it.skipIf(!hasRedisServer)('answers 503 when the Redis it was given stops answering', async () => {
    const redis = await startPrivateRedis();
    try {
      runtime = await startRuntime({ runSchedules: false, redisUrl: redis.url });
      expect(await health(runtime)).toMatchObject({ status: 200, body: { dependencies: { cache: 'up' } } });
      await redis.kill();
      expect(await health(runtime)).toMatchObject({
        status: 503,
        body: { status: 'degraded', dependencies: { cache: 'down', records: 'up' } },
      });
    } finally {
      await redis.kill();
    }
  });
});
