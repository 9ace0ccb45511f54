import type { EventBridgeEnvelope, LonLat } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalDeviceTracker } from '../adapters/local/local-tracker';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { noteMachineEvent, noteResultStatus } from '../domain/monitoring/machine-events';
import { recordKeys } from '../domain/shared/keys';
import { machineReadUseCases } from './machine-reads';

const T0 = Date.UTC(2026, 10, 27, 9);
let now = T0;
let records: MemoryRecordStore;
let tracker: LocalDeviceTracker;
let announced: EventBridgeEnvelope[];

const geofence: LonLat[] = [
  [77, 28],
  [77.01, 28],
  [77.01, 28.01],
  [77, 28.01],
  [77, 28],
];

function reads() {
  return machineReadUseCases({ records, tracker, clock: { now: () => now } });
}

async function booth(boothId: string, regionId: string) {
  const place = {
    boothId,
    constituencyId: 'c-1',
    regionId,
    location: { lat: 28.005, lon: 77.005 },
    geofence,
  };
  await records.put('registry', { ...recordKeys.booth(boothId), ...place });
}

async function machine(machineId: string, boothId: string, regionId: string) {
  await records.put('registry', {
    ...recordKeys.machine(machineId),
    machineId,
    boothId,
    constituencyId: 'c-1',
    regionId,
    publicKey: 'k',
    blocked: false,
  });
}

beforeEach(async () => {
  now = T0;
  records = new MemoryRecordStore();
  announced = [];
  tracker = new LocalDeviceTracker({ records, stage: 'test', putEvent: (e) => void announced.push(e) });
  await booth('b-1', 'north');
  await booth('b-2', 'south');
  await machine('m-2', 'b-1', 'north');
  await machine('m-1', 'b-1', 'north');
  await machine('m-3', 'b-2', 'south');
});

describe('the machines of a region', () => {
  it('lists only the region asked for, by machine id, placed by their latest fix or else their booth', async () => {
    await tracker.update([{ deviceId: 'm-2', position: [77.05, 28.05], sampleTime: now - 60_000 }]);
    const north = await reads().listMachines('north');
    expect(north.map((m) => [m.machineId, m.state, m.positionFrom])).toEqual([
      ['m-1', 'offline', 'booth'],
      ['m-2', 'off-geofence', 'gps'],
    ]);
    expect((await reads().listMachines()).map((m) => m.machineId)).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('leaves out a fix older than the map looks back, so a long-silent machine shows at its booth', async () => {
    await tracker.update([{ deviceId: 'm-1', position: [77.005, 28.005], sampleTime: now - 11 * 60_000 }]);
    const [m1] = await reads().listMachines('north');
    expect(m1).toMatchObject({ machineId: 'm-1', positionFrom: 'booth', state: 'offline' });
  });
});

describe("a machine's page", () => {
  it('holds its trail, recent events, Defender behaviours and result check', async () => {
    await tracker.update([{ deviceId: 'm-1', position: [77.005, 28.005], sampleTime: now - 1_000 }]);
    await noteMachineEvent(records, 'm-1', 'e1', {
      type: 'connected',
      at: now - 5_000,
      summary: 'connected',
    });
    const behaviour = { type: 'violation', at: now - 2_000, summary: 'noisy', behaviour: 'message-rate' };
    await noteMachineEvent(records, 'm-1', 'e2', behaviour);
    const result = {
      verified: true,
      voteCount: 3,
      storedVotes: 3,
      problems: [],
      checkedAt: new Date(now).toISOString(),
    };
    await noteResultStatus(records, 'm-1', result);
    const page = await reads().machinePage('m-1', 'north');
    expect(page?.machine).toMatchObject({ machineId: 'm-1', state: 'idle', positionFrom: 'gps' });
    expect(page?.booth).toMatchObject({ boothId: 'b-1' });
    expect(page?.trail).toEqual([{ lon: 77.005, lat: 28.005, at: now - 1_000 }]);
    expect(page?.events.map((e) => e.type)).toEqual(['violation', 'connected']);
    expect(page?.defender).toEqual([behaviour]);
    expect(page?.result).toEqual(result);
  });

  it("reads another region's machine and an unknown one alike, as absent; the country reads all", async () => {
    expect(await reads().machinePage('m-3', 'north')).toBeUndefined();
    expect(await reads().machinePage('m-9', 'north')).toBeUndefined();
    const page = await reads().machinePage('m-3');
    expect(page?.machine.machineId).toBe('m-3');
    expect(page).not.toHaveProperty('result');
  });
});
