import { recordKeys } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { anomalyDetected, type EventBridgeEnvelope } from '@ballotstream/events';
import { handler as defenderAlarm } from '@ballotstream/functions/fleet/defender-alarm';
import { presence } from '@ballotstream/functions/fleet/observe-activity';
import { handler as trackPosition } from '@ballotstream/functions/fleet/track-position';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../../src/demo/seed';
import { lambdaContext } from '../../src/runtime/handlers';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

let runtime: Runtime;
const seen: EventBridgeEnvelope[] = [];
const context = lambdaContext('test');
type Entry = (event: unknown, context: Context) => Promise<unknown>;
const invoke = (entry: unknown, event: unknown) => (entry as Entry)(event, context);

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false });
  runtime.bus.listen((e) => seen.push(e));
  await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 3,
    voters: 1,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

const ruleEvent = (machineId: string, payload: unknown, receivedAt = Date.now()) => ({
  payload: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64'),
  topicMachineId: machineId,
  clientId: machineId,
  receivedAt,
});

describe('GPS fixes', () => {
  it('forwards at most one fix per interval per machine, by the time the broker received it', async () => {
    const t0 = Date.now();
    const results = [];
    for (const dt of [0, 1000, 2000, 5000, 5500]) {
      results.push(
        await invoke(
          trackPosition,
          ruleEvent('m-1-1-1', { lat: 28.6, lon: 77.2, sampledAt: t0 + dt }, t0 + dt),
        ),
      );
    }
    expect(results.map((r) => (r as { tracked: boolean }).tracked)).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(
      await runtime.deps.tracker.history(
        { deviceId: 'm-1-1-1', regionId: 'region-1', boothId: 'booth-1-1-1' },
        0,
        t0 + 10_000,
      ),
    ).toHaveLength(2);
  });

  it('calls a machine whose first fix is outside its booth geofence off its geofence', async () => {
    const ring = [
      [77.208, 28.613],
      [77.21, 28.613],
      [77.21, 28.615],
      [77.208, 28.613],
    ];
    await runtime.deps.records.update('registry', recordKeys.booth('booth-1-1-2'), { geofence: ring });
    await runtime.deps.records.update('registry', recordKeys.booth('booth-1-1-3'), { geofence: ring });
    await invoke(trackPosition, ruleEvent('m-1-1-2', { lat: 28.7, lon: 77.3, sampledAt: Date.now() }));
    await invoke(trackPosition, ruleEvent('m-1-1-3', { lat: 28.6135, lon: 77.2085, sampledAt: Date.now() }));
    await runtime.bus.drain();
    const off = seen.filter(
      (e) =>
        e['detail-type'] === 'anomaly.detected' && (e.detail as { rule: string }).rule === 'off-geofence',
    );
    const machines = off.map((e) => (e.detail as { machineId: string }).machineId);
    expect(machines).toContain('m-1-1-2');
    expect(machines).not.toContain('m-1-1-3');
  });

  it('refuses a fix that is not a position, naming the field', async () => {
    const result = await invoke(trackPosition, ruleEvent('m-1-1-1', { lat: 123, lon: 77.2, sampledAt: 1 }));
    expect(result).toMatchObject({
      tracked: false,
      reason: 'malformed',
      problems: ['lat: must be a latitude'],
    });
  });
});

describe('IoT lifecycle events in AWS', () => {
  it('see a machine connecting from a second place while its session is live', async () => {
    const presenceOf = (ipAddress: string, timestamp: number) => ({
      clientId: 'm-1-1-2',
      timestamp,
      eventType: 'connected',
      sessionIdentifier: '00000000-0000-0000-0000-000000000000',
      principalIdentifier: '12345678901234567890123456789012',
      ipAddress,
      versionNumber: 0,
    });
    const t0 = Date.now();
    await invoke(presence, {
      ...ruleEvent('m-1-1-2', presenceOf('10.1.1.1', t0)),
      topicMachineId: 'presence',
    });
    const second = await invoke(presence, {
      ...ruleEvent('m-1-1-2', presenceOf('198.51.100.4', t0 + 5)),
      topicMachineId: 'presence',
    });
    expect(second).toEqual({ observed: true, violations: 1 });
    await runtime.bus.drain();
    const violation = seen.find(
      (e) =>
        e['detail-type'] === 'defender.violation' &&
        (e.detail as { machineId: string }).machineId === 'm-1-1-2',
    );
    expect(violation?.detail).toMatchObject({ behaviour: 'two-places', detectedBy: 'fleet-monitor' });
  });
});

describe('Device Defender Detect, where the account has it', () => {
  it('bridges an SNS violation to the same defender.violation event and an alert', async () => {
    const alarm = {
      violationEventTime: Date.now(),
      thingName: 'm-1-1-3',
      behavior: {
        name: 'AuthorizationFailures',
        metric: 'aws:num-authorization-failures',
        criteria: { value: { count: 5 } },
      },
      violationEventType: 'in-alarm',
      metricValue: { count: 9 },
      violationId: 'v-123',
      securityProfileName: 'booth-machines',
    };
    const sns = {
      Records: [{ EventSource: 'aws:sns', Sns: { Message: JSON.stringify(alarm) } }],
    } as unknown as SNSEvent;
    expect(await invoke(defenderAlarm, sns)).toEqual({ bridged: 1, ignored: 0 });
    await runtime.bus.drain();
    const violation = seen.find(
      (e) =>
        e['detail-type'] === 'defender.violation' &&
        (e.detail as { machineId: string }).machineId === 'm-1-1-3',
    );
    expect(violation?.detail).toMatchObject({
      behaviour: 'authorization-failures',
      detectedBy: 'device-defender',
      metricValue: 9,
    });
    const raised = seen.find(
      (e) => e['detail-type'] === 'alert.raised' && (e.detail as { machine?: string }).machine === 'm-1-1-3',
    );
    expect(raised?.detail).toMatchObject({
      kind: 'authorization-failures',
      severity: 'critical',
      region: 'region-1',
    });
  });

  it('refuses an SNS message that is not a Detect violation, saying why', async () => {
    const sns = { Records: [{ Sns: { Message: '{"thingName":"m"}' } }] } as unknown as SNSEvent;
    await expect(invoke(defenderAlarm, sns)).rejects.toThrow(/violationId/);
  });
});

describe('the live alert feed', () => {
  it("streams a region's new alerts as server-sent events, and not another region's", async () => {
    const token = runtime.tokens.mint({ role: 'officer', regionId: 'region-1' });
    const elsewhere = await fetch(`${runtime.httpUrl}/alerts/stream?region=region-9&token=${token}`);
    expect(elsewhere.status).toBe(403);
    expect((await fetch(`${runtime.httpUrl}/alerts/stream`)).status).toBe(401);
    const controller = new AbortController();
    // A browser's EventSource cannot set headers, so the token may come in the query.
    const response = await fetch(`${runtime.httpUrl}/alerts/stream?token=${token}`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const detectedAt = new Date().toISOString();
    await runtime.deps.publisher.publish([
      eventOf(anomalyDetected, {
        regionId: 'region-9',
        boothId: 'b-far',
        rule: 'booth-trend',
        severity: 'warning',
        evidence: {},
        detectedAt,
      }),
      eventOf(anomalyDetected, {
        regionId: 'region-1',
        boothId: 'booth-1-1-1',
        rule: 'turnout-above-electorate',
        severity: 'critical',
        evidence: { votes: 9, electorate: 8 },
        detectedAt,
      }),
    ]);
    let text = '';
    while (!text.includes('turnout-above-electorate')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/event: alert.raised\ndata: \{.*"kind":"turnout-above-electorate"/);
    expect(text).not.toContain('b-far');
    const stored = await runtime.deps.records.query('alerts', recordKeys.regionAlertsPartition('region-9'));
    expect(stored.records).toHaveLength(1);
  });
});
