import {
  BatchPutGeofenceCommand,
  type BatchPutGeofenceRequestEntry,
  BatchUpdateDevicePositionCommand,
  type DevicePositionUpdate,
  GetDevicePositionHistoryCommand,
  type LocationClient,
} from '@aws-sdk/client-location';
import type { LonLat } from '@ballotstream/events';
import { DependencyError } from '../../errors';
import type { DevicePosition, DeviceTracker } from '../../ports/device-tracker';
import type { BoothGeofence, GeofenceCollection } from '../../ports/geofence-collection';

// BatchUpdateDevicePosition and BatchPutGeofence take at most 10 entries per call.
const MAX_ENTRIES = 10;

/** The request Amazon Location receives for a batch of fixes (exported for its shape test). */
export function positionUpdateOf(p: DevicePosition): DevicePositionUpdate {
  return {
    DeviceId: p.deviceId,
    Position: [p.position[0], p.position[1]],
    SampleTime: new Date(p.sampleTime),
    ...(p.accuracyM === undefined ? {} : { Accuracy: { Horizontal: p.accuracyM } }),
  };
}

/**
 * The Amazon Location tracker, linked to the booth geofence collection: Location itself
 * evaluates the geofences and puts `Location Geofence Event`s on the default bus.
 */
export class LocationTracker implements DeviceTracker {
  constructor(
    private readonly client: LocationClient,
    private readonly trackerName: string,
  ) {}

  async update(positions: readonly DevicePosition[]): Promise<void> {
    for (let i = 0; i < positions.length; i += MAX_ENTRIES) {
      const batch = positions.slice(i, i + MAX_ENTRIES);
      const response = await this.client.send(
        new BatchUpdateDevicePositionCommand({
          TrackerName: this.trackerName,
          Updates: batch.map(positionUpdateOf),
        }),
      );
      const failed = response.Errors ?? [];
      if (failed.length > 0) {
        const codes = [...new Set(failed.map((e) => e.Error?.Code))].join(', ');
        throw new DependencyError('location', `${failed.length} position updates failed (${codes})`);
      }
    }
  }

  async history(deviceId: string, fromMs: number, toMs: number): Promise<readonly DevicePosition[]> {
    const out: DevicePosition[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new GetDevicePositionHistoryCommand({
          TrackerName: this.trackerName,
          DeviceId: deviceId,
          StartTimeInclusive: new Date(fromMs),
          EndTimeExclusive: new Date(toMs),
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      );
      for (const p of page.DevicePositions ?? []) {
        if (p.Position === undefined || p.SampleTime === undefined) continue;
        out.push({
          deviceId,
          position: [p.Position[0]!, p.Position[1]!],
          sampleTime: p.SampleTime.getTime(),
          ...(p.Accuracy?.Horizontal === undefined ? {} : { accuracyM: p.Accuracy.Horizontal }),
        });
      }
      token = page.NextToken;
    } while (token !== undefined);
    return out;
  }
}

/** The request that puts booth geofences into the collection (geofence id = booth id). */
export function geofenceEntriesOf(
  booths: readonly { readonly boothId: string; readonly geofence: readonly LonLat[] }[],
): BatchPutGeofenceRequestEntry[] {
  return booths.map((b) => ({
    GeofenceId: b.boothId,
    Geometry: { Polygon: [b.geofence.map(([lon, lat]) => [lon, lat])] },
    GeofenceProperties: { boothId: b.boothId },
  }));
}

/** Puts booth geofences into the collection, ten at a time; fails naming the booths refused. */
export async function putBoothGeofences(
  client: LocationClient,
  collectionName: string,
  booths: readonly { readonly boothId: string; readonly geofence: readonly LonLat[] }[],
): Promise<void> {
  const entries = geofenceEntriesOf(booths);
  for (let i = 0; i < entries.length; i += MAX_ENTRIES) {
    const response = await client.send(
      new BatchPutGeofenceCommand({
        CollectionName: collectionName,
        Entries: entries.slice(i, i + MAX_ENTRIES),
      }),
    );
    const failed = response.Errors ?? [];
    if (failed.length > 0)
      throw new DependencyError(
        'location',
        `geofences refused: ${failed.map((e) => e.GeofenceId).join(', ')}`,
      );
  }
}

/** The booth geofence collection in Amazon Location, which the tracker is linked to. */
export class LocationGeofenceCollection implements GeofenceCollection {
  constructor(
    private readonly client: LocationClient,
    private readonly collectionName: string,
  ) {}

  async put(geofences: readonly BoothGeofence[]): Promise<void> {
    await putBoothGeofences(
      this.client,
      this.collectionName,
      geofences.map((g) => ({ boothId: g.boothId, geofence: g.ring })),
    );
  }
}
