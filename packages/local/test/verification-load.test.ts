import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';
import { measureVerifications } from '../src/testing/verification-load';

let runtime: Runtime;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false, mqttTls: false } as Parameters<typeof startRuntime>[0]);
});

afterAll(async () => {
  await runtime?.stop();
});

describe('the verification load the benchmark runs', () => {
  it.each(['http', 'use-case'] as const)('verifies every fresh voter once via %s', async (via) => {
    const result = await measureVerifications(runtime, { n: 60, concurrency: 8, via });
    expect(result).toMatchObject({ verified: 60, refused: 0 });
    expect(result.perSecond).toBeGreaterThan(0);
  });
});
