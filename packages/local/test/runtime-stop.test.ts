import { rejectionCounts, resetRejectionCounts } from '@ballotstream/functions/shared/observability';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../src/runtime/runtime';

// The fleet monitor keeps its windows in Redis (the detector state) when the runtime has one, so
// a stop that closed Redis before the monitor was done logged "fleet monitor failed" per machine.
const redisUrl = process.env.REDIS_URL;
const MACHINES = 40;

describe.skipIf(redisUrl === undefined)('a runtime stopping (REDIS_URL is set)', () => {
  it('lets the fleet monitor finish with every machine it saw before it closes the stores', async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    const runtime = await startRuntime({ runSchedules: false, mqttTls: false, redisUrl: redisUrl! });
    const clients: mqtt.MqttClient[] = [];
    try {
      for (let i = 0; i < MACHINES; i++) {
        const client = await mqtt.connectAsync(runtime.mqttUrl, {
          clientId: `m-stop-${i}`,
          reconnectPeriod: 0,
        });
        client.on('error', () => undefined);
        clients.push(client);
      }
      resetRejectionCounts();
      // Stopping closes every machine's connection: each disconnect is activity the monitor must see.
      await runtime.stop();
      // A monitor still running after the stop fails on its closed Redis a moment later.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(rejectionCounts().get('observeActivity:failed') ?? 0).toBe(0);
    } finally {
      await Promise.allSettled(clients.map((c) => c.endAsync(true)));
      await runtime.stop();
    }
  });
});
