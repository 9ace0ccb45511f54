import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';

let runtime: Runtime;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false, mqttTls: true });
});

afterAll(async () => {
  await runtime?.stop();
});

async function probe(n: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${runtime.httpUrl}/health/broker?n=${n}&timeoutMs=5000`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the broker health check', () => {
  it('sends N probes through the broker and its rule, and reads N back', async () => {
    const { status, body } = await probe(5);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'up', sent: 5, received: 5 });
  });

  it('refuses a probe count it would not send', async () => {
    expect((await fetch(`${runtime.httpUrl}/health/broker?n=500`)).status).toBe(400);
  });

  it('reports the broker down within one probe once it dies', async () => {
    await runtime.broker.close();
    const { status, body } = await probe(5);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'down', sent: 5, received: 0, problem: 'publish-failed' });
  });
});
