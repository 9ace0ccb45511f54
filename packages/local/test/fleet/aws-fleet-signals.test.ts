import { gzipSync } from 'node:zlib';
import { defaultMonitoring } from '@ballotstream/core';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import { authorizationFailures, published } from '@ballotstream/functions/fleet/observe-activity';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../../src/demo/seed';
import { lambdaContext } from '../../src/runtime/handlers';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
const seen: EventBridgeEnvelope[] = [];
const context = lambdaContext('test');
type Entry = (event: unknown, context: Context) => Promise<unknown>;
const invoke = (entry: unknown, event: unknown) => (entry as Entry)(event, context);
const fleet = { maxMessages: 5, maxAuthFailures: 3 };

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false, config: { monitoring: defaultMonitoring({ fleet }) } });
  runtime.bus.listen((e) => seen.push(e));
  await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 2,
    voters: 1,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

const violations = (machineId: string, behaviour: string) =>
  seen.filter(
    (e) =>
      e['detail-type'] === 'defender.violation' &&
      (e.detail as { machineId: string; behaviour: string }).machineId === machineId &&
      (e.detail as { behaviour: string }).behaviour === behaviour,
  );

/** An IoT log timestamp: UTC, `YYYY-MM-DD HH:mm:ss.SSS`. */
const iotTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

describe('the fleet monitor on what AWS shows of the fleet', () => {
  it('finds a machine over its message rate in the batches of the rule on the machines’ topics', async () => {
    const t0 = Date.now();
    const records = Array.from({ length: fleet.maxMessages + 1 }, (_, i) => ({
      messageId: `msg-${i}`,
      body: JSON.stringify({
        clientId: 'm-1-1-1',
        topic: 'ballotstream/local/machines/m-1-1-1/position',
        receivedAt: t0 + i * 100,
      }),
    }));
    const result = await invoke(published, { Records: records });
    expect(result).toEqual({ batchItemFailures: [] });
    await runtime.bus.drain();
    const [violation] = violations('m-1-1-1', 'message-rate');
    expect(violation?.detail).toMatchObject({
      detectedBy: 'fleet-monitor',
      metricValue: fleet.maxMessages + 1,
    });
  });

  it('finds an authorization-failure storm in IoT Core’s log, delivered by a subscription filter', async () => {
    const t0 = Date.now();
    const entry = (i: number) => ({
      timestamp: iotTime(t0 + i * 1000),
      logLevel: 'ERROR',
      traceId: `trace-${i}`,
      accountId: '123456789012',
      status: 'Failure',
      eventType: 'Publish-In',
      protocol: 'MQTT',
      topicName: 'ballotstream/local/machines/m-1-1-1/votes',
      clientId: 'm-1-1-2',
      principalId: 'a'.repeat(64),
      sourceIp: '203.0.113.7',
      sourcePort: 40000 + i,
      reason: 'AUTHORIZATION_FAILURE',
      details: 'Authorization Failure',
    });
    // A successful publish in the same delivery is no failure.
    const success = { ...entry(9), status: 'Success', reason: undefined, details: undefined };
    const delivery = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: 'AWSIotLogsV2',
      logStream: 'stream',
      subscriptionFilters: ['authorization-failures'],
      logEvents: [...Array.from({ length: fleet.maxAuthFailures }, (_, i) => entry(i)), success].map(
        (e, i) => ({
          id: `${i}`,
          timestamp: t0 + i * 1000,
          message: JSON.stringify(e),
        }),
      ),
    };
    const awslogs = { data: gzipSync(Buffer.from(JSON.stringify(delivery))).toString('base64') };
    const result = await invoke(authorizationFailures, { awslogs });
    expect(result).toMatchObject({ observed: fleet.maxAuthFailures, violations: 1 });
    await runtime.bus.drain();
    const [violation] = violations('m-1-1-2', 'authorization-failures');
    expect(violation?.detail).toMatchObject({
      metricValue: fleet.maxAuthFailures,
      evidence: { topics: expect.arrayContaining(['ballotstream/local/machines/m-1-1-1/votes']) },
    });
  });
});
