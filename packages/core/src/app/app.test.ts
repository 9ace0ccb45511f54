import { alertRaised, anomalyDetected, machineBlocked, sosRaised, voteRejected } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryDetectorState } from '../adapters/local/memory-detector-state';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { type Config, configSchema } from '../config';
import { recordKeys } from '../domain/shared/keys';
import type { DeviceTracker, OutgoingEvent } from '../ports';
import { type AppPorts, createApp } from './app';

const T0 = 1_800_000_000_000;
let now = T0;
const clock = { now: () => now };
let records: MemoryRecordStore;
let published: OutgoingEvent[];
let tracked: unknown[];
const config: Config = configSchema.parse({});

const PORT_NAMES = [
  'cache',
  'voteStores',
  'signatures',
  'ticketKeys',
  'pseudonyms',
  'biometrics',
  'voterRegistry',
];
PORT_NAMES.push('notifier', 'machineCommands', 'geofences', 'brokerProbe');

// Only the ports these use cases reach are real; any other one fails loudly when used.
const unused = (port: string) =>
  new Proxy(
    {},
    {
      get: (_target, key) => {
        if (key === 'then' || typeof key === 'symbol') return undefined;
        throw new Error(`port ${port} is not part of this test`);
      },
    },
  );

function portsFor(): AppPorts {
  const tracker = { update: async (fixes: readonly unknown[]) => void tracked.push(...fixes) };
  const ports = {
    clock,
    records,
    detectorState: new MemoryDetectorState(clock),
    tracker: tracker as unknown as DeviceTracker,
    publisher: { publish: async (events: readonly OutgoingEvent[]) => void published.push(...events) },
  };
  return new Proxy(ports, {
    get: (target, key) => {
      if (key in target) return target[key as keyof typeof target];
      return typeof key === 'string' && PORT_NAMES.includes(key) ? unused(key) : undefined;
    },
  }) as unknown as AppPorts;
}

async function registerMachine(machineId: string, boothId: string): Promise<void> {
  const machine = {
    machineId,
    boothId,
    constituencyId: 'c1',
    regionId: 'north',
    publicKey: 'k',
    blocked: false,
  };
  await records.put('registry', { ...recordKeys.machine(machineId), ...machine });
  await records.put('registry', { ...recordKeys.boothMachine(boothId, machineId) });
}

const square: [number, number][] = [
  [77, 28],
  [77.01, 28],
  [77.01, 28.01],
  [77, 28],
];

beforeEach(() => {
  now = T0;
  records = new MemoryRecordStore();
  published = [];
  tracked = [];
});

describe('the SOS use case', () => {
  it('blocks every machine of the booth and announces each block before the SOS', async () => {
    await registerMachine('m1', 'b1');
    await registerMachine('m2', 'b1');
    const app = createApp(portsFor(), config);
    const done = await app.sos({ machineId: 'm1', receivedAt: now, message: { note: 'fire' } });
    expect(done.result).toEqual({ raised: true, blocked: ['m1', 'm2'] });
    expect(done.events.map((e) => e.detailType)).toEqual([
      machineBlocked.type,
      machineBlocked.type,
      sosRaised.type,
    ]);
    expect(done.events[2]?.detail).toMatchObject({
      boothId: 'b1',
      note: 'fire',
      blockedMachines: ['m1', 'm2'],
    });
  });

  it('refuses an SOS from a machine the registry does not know, announcing nothing', async () => {
    const done = await createApp(portsFor(), config).sos({
      machineId: 'ghost',
      receivedAt: now,
      message: {},
    });
    expect(done).toMatchObject({ result: { raised: false, reason: 'unknown-machine' }, events: [] });
  });
});

describe('the position use case', () => {
  it('reports a first fix outside the booth geofence and paces the fixes that follow', async () => {
    await registerMachine('m1', 'b1');
    await records.put('registry', { ...recordKeys.booth('b1'), boothId: 'b1', geofence: square });
    const app = createApp(portsFor(), config);
    const outside = { lat: 29, lon: 78, sampledAt: now };
    const first = await app.trackPosition({ machineId: 'm1', receivedAt: now, message: outside });
    expect(first.result).toEqual({ tracked: true });
    expect(first.events.map((e) => e.detailType)).toEqual([anomalyDetected.type]);
    expect(first.events[0]?.detail).toMatchObject({ rule: 'off-geofence', evidence: { firstFix: true } });
    now += 1;
    const soon = await app.trackPosition({ machineId: 'm1', receivedAt: now, message: outside });
    expect(soon).toMatchObject({ result: { tracked: false, reason: 'rate-limited' }, events: [] });
    expect(tracked).toHaveLength(1);
  });
});

describe('the alert use cases', () => {
  it('chooses a warning for a noisy machine and a critical alert for a cloned one', async () => {
    await registerMachine('m1', 'b1');
    const app = createApp(portsFor(), config);
    const violation = (behaviour: 'message-rate' | 'unexpected-source') => ({
      machineId: 'm1',
      behaviour,
      detectedBy: 'fleet-monitor' as const,
      metricValue: 9,
      threshold: 1,
      evidence: {},
      violationAt: new Date(now).toISOString(),
    });
    const noisy = await app.raiseAlert.fromViolation(violation('message-rate'));
    const cloned = await app.raiseAlert.fromViolation(violation('unexpected-source'));
    expect(noisy.events[0]).toMatchObject({
      detailType: alertRaised.type,
      detail: { severity: 'warning', region: 'north', booth: 'b1' },
    });
    expect(cloned.events[0]).toMatchObject({
      detailType: alertRaised.type,
      detail: { severity: 'critical' },
    });
  });

  it('announces only a new incident; a repeat counts up the open alert', async () => {
    const app = createApp(portsFor(), config);
    const sos = {
      machineId: 'm1',
      boothId: 'b1',
      regionId: 'north',
      blockedMachines: [],
      raisedAt: new Date(now).toISOString(),
    };
    const first = await app.raiseAlert.fromSos(sos);
    const again = await app.raiseAlert.fromSos(sos);
    expect(first.events).toHaveLength(1);
    expect(again).toMatchObject({ result: { isNew: false, count: 2 }, events: [] });
  });
});

describe('the ingest use case', () => {
  it('refuses a vote without its token as such, publishing the refusal itself', async () => {
    const app = createApp(portsFor(), config);
    const report = await app.ingestVotes([
      { id: 'q1', machineId: 'm1', payload: { ok: false, problems: ['ballotToken: is required'] } },
      { id: 'q2', machineId: 'm1', payload: { ok: false, problems: ['payload: is not valid JSON'] } },
    ]);
    expect(report).toEqual({ failed: [], refusals: ['no-token', 'malformed'] });
    expect(published.map((e) => [e.detailType, (e.detail as { reason: string }).reason])).toEqual([
      [voteRejected.type, 'no-token'],
      [voteRejected.type, 'malformed'],
    ]);
  });
});

describe('the activity use case', () => {
  it('takes a result record on the machine’s own topic as its poll closed, so powering off is no alert', async () => {
    await registerMachine('m1', 'b1');
    await registerMachine('m2', 'b2');
    const app = createApp(portsFor(), config);
    for (const id of ['m1', 'm2'])
      await app.observeActivity({ kind: 'connected', clientId: id, address: '10.0.0.1', at: now });
    now += 60_000;
    await app.observeActivity({
      kind: 'published',
      clientId: 'm1',
      topic: 'ballotstream/local/machines/m1/results',
      at: now,
    });
    for (const id of ['m1', 'm2']) await app.observeActivity({ kind: 'disconnected', clientId: id, at: now });
    now += 30 * 60_000;
    const swept = await app.watch.sweep(now);
    expect(
      swept.events.map((e) => [
        (e.detail as { rule: string }).rule,
        (e.detail as { machineId: string }).machineId,
      ]),
    ).toEqual([['machine-offline', 'm2']]);
  });
});
