import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';
import { type PrivateRedis, startPrivateRedis } from '../src/testing/private-redis';

let redis: PrivateRedis;
let runtime: Runtime;
let admin: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  runtime = await startRuntime({ runSchedules: false, redisUrl: redis.url });
  admin = runtime.tokens.mint({ role: 'admin', subject: 'ada' });
});
afterAll(async () => {
  await runtime?.stop();
  await redis?.kill();
});

async function health() {
  const response = await fetch(`${runtime.httpUrl}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /health', () => {
  it('reports each dependency up while Redis answers', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'ok', cache: 'up', records: 'up' } });
  });

  it('reports the cache down once Redis stops, and raises one alert for it however often it is asked', async () => {
    await redis.kill();
    expect(await health()).toMatchObject({
      status: 503,
      body: { status: 'degraded', cache: 'down', records: 'up' },
    });
    expect((await health()).body).toMatchObject({ cache: 'down' });
    const response = await fetch(`${runtime.httpUrl}/alerts?status=open`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const { alerts } = (await response.json()) as { alerts: { kind: string; count: number }[] };
    const down = alerts.filter((a) => a.kind === 'dependency-down:cache');
    expect(down).toHaveLength(1);
    expect(down[0]?.count).toBe(2);
  });
});
