import { randomUUID } from 'node:crypto';
import type { EventBridgeEnvelope, LonLat } from '@ballotstream/events';
import {
  type Geofence,
  geofenceEnvelope,
  geofenceTransitions,
  locationResources,
} from '../../domain/fleet/geofence';
import { findBooth } from '../../domain/fleet/placement';
import { recordKeys } from '../../domain/shared/keys';
import { findMachine } from '../../domain/shared/registry';
import type { DevicePosition, DeviceTracker, TrackedDevice } from '../../ports/device-tracker';
import type { RecordStore } from '../../ports/record-store';

// Amazon Location keeps positions for 30 days; so does the local history.
const HISTORY_SECONDS = 30 * 24 * 3600;

export interface LocalTrackerOptions {
  readonly records: RecordStore;
  readonly stage: string;
  /** Puts an AWS-shaped event on the default bus, as Amazon Location does. */
  readonly putEvent: (envelope: EventBridgeEnvelope) => void;
}

/**
 * The local stand-in for an Amazon Location tracker linked to the booth geofence collection:
 * keeps each machine's position history and, like the linked collection, announces ENTER and
 * EXIT as `Location Geofence Event`s. It evaluates the machine's own booth geofence and any it is
 * inside, not the whole country's collection, which gives the same events for booth machines.
 */
export class LocalDeviceTracker implements DeviceTracker {
  // Serialises evaluations per device, so two fixes in flight cannot both announce one EXIT.
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly options: LocalTrackerOptions) {}

  async update(positions: readonly DevicePosition[]): Promise<void> {
    await Promise.all(positions.map((p) => this.serial(p.deviceId, () => this.updateOne(p))));
  }

  async history(
    { deviceId }: TrackedDevice,
    fromMs: number,
    toMs: number,
  ): Promise<readonly DevicePosition[]> {
    const out: DevicePosition[] = [];
    let after: string | undefined = recordKeys.position(deviceId, Math.max(0, fromMs - 1)).sk;
    const end = recordKeys.position(deviceId, toMs).sk;
    for (;;) {
      const page = await this.options.records.query('fleet', recordKeys.positionPartition(deviceId), {
        after,
        limit: 500,
      });
      for (const r of page.records) {
        if (r.sk >= end) return out;
        out.push({
          deviceId,
          position: r.position as LonLat,
          sampleTime: Number(r.sampleTime),
          ...(typeof r.accuracyM === 'number' ? { accuracyM: r.accuracyM } : {}),
        });
      }
      if (page.next === undefined) return out;
      after = page.next;
    }
  }

  private serial(deviceId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(deviceId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.chains.set(deviceId, settled);
    void settled.then(() => {
      if (this.chains.get(deviceId) === settled) this.chains.delete(deviceId);
    });
    return next;
  }

  private async updateOne(p: DevicePosition): Promise<void> {
    const { records } = this.options;
    await records.put('fleet', {
      ...recordKeys.position(p.deviceId, p.sampleTime),
      position: [...p.position],
      sampleTime: p.sampleTime,
      expiresAtSeconds: Math.floor(p.sampleTime / 1000) + HISTORY_SECONDS,
      ...(p.accuracyM === undefined ? {} : { accuracyM: p.accuracyM }),
    });
    const stateKey = recordKeys.trackerState(p.deviceId);
    const state = await records.get('fleet', stateKey);
    // A fix older than the last one evaluated is history only; geofences follow the newest.
    if (state !== undefined && Number(state.sampleTime) > p.sampleTime) return;
    const wasInside = new Set(Array.isArray(state?.inside) ? (state.inside as string[]) : []);
    const geofences = await this.geofencesFor(p.deviceId, wasInside);
    const { entered, exited, inside } = geofenceTransitions(wasInside, p.position, geofences);
    await records.put('fleet', { ...stateKey, inside, sampleTime: p.sampleTime });
    const resources = locationResources(this.options.stage);
    for (const [type, ids] of [
      ['ENTER', entered],
      ['EXIT', exited],
    ] as const) {
      for (const geofenceId of ids) {
        this.options.putEvent(
          geofenceEnvelope(
            randomUUID(),
            {
              EventType: type,
              GeofenceId: geofenceId,
              DeviceId: p.deviceId,
              SampleTime: new Date(p.sampleTime).toISOString(),
              Position: [p.position[0], p.position[1]],
              ...(p.accuracyM === undefined ? {} : { Accuracy: { Horizontal: p.accuracyM } }),
            },
            resources,
          ),
        );
      }
    }
  }

  private async geofencesFor(deviceId: string, wasInside: ReadonlySet<string>): Promise<Geofence[]> {
    const machine = await findMachine(this.options.records, deviceId);
    const ids = new Set(wasInside);
    if (machine !== undefined) ids.add(machine.boothId);
    const fences: Geofence[] = [];
    for (const boothId of ids) {
      const booth = await findBooth(this.options.records, boothId);
      if (booth?.geofence !== undefined) fences.push({ geofenceId: boothId, ring: booth.geofence });
    }
    return fences;
  }
}
