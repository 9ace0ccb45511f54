import {
  BatchPutGeofenceCommand,
  type BatchPutGeofenceRequestEntry,
  BatchUpdateDevicePositionCommand,
  type DevicePositionUpdate,
  GetDevicePositionHistoryCommand,
  type LocationClient,
} from '@aws-sdk/client-location';
import type { LonLat } from '@ballotstream/events';
import { type BoothPlace, type ShardPart, shardOfBooth } from '../../domain/capacity/location-shards';
import { pagesOf } from '../../domain/shared/pages';
import { DependencyError } from '../../errors';
import type {
  DevicePosition,
  DeviceTracker,
  PlacedPosition,
  TrackedDevice,
} from '../../ports/device-tracker';
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

/** A shard of the location plan with its resource's name (a tracker or a collection), as its link says. */
export interface NamedShard extends ShardPart {
  readonly name: string;
}

/** The name of the shard's resource a booth's geofence or machine goes to; refuses a region the plan lacks. */
export function shardNameOf(shards: readonly NamedShard[], place: BoothPlace): string {
  const shard = shardOfBooth(shards, place.regionId, place.boothId);
  if (shard === undefined)
    throw new Error(
      `booth ${place.boothId}: its region ${place.regionId} has no Location shard in the plan (blueprint scale.boothsByRegion)`,
    );
  return shard.name;
}

/** Groups items by the shard their booth belongs to, in first-seen order. */
function byShard<T>(shards: readonly NamedShard[], items: readonly T[], placeOf: (item: T) => BoothPlace) {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = shardNameOf(shards, placeOf(item));
    groups.set(name, [...(groups.get(name) ?? []), item]);
  }
  return groups;
}

/**
 * Amazon Location's trackers, one per shard of the location plan, each linked to its shard's
 * booth geofence collection: Location itself evaluates the geofences and puts `Location Geofence
 * Event`s on the default bus. A machine's fixes go to its booth's shard (`shardOfBooth`).
 */
export class LocationTracker implements DeviceTracker {
  constructor(
    private readonly client: LocationClient,
    private readonly trackers: readonly NamedShard[],
  ) {}

  async update(positions: readonly PlacedPosition[]): Promise<void> {
    for (const [trackerName, ofShard] of byShard(this.trackers, positions, (p) => p.device)) {
      for (let i = 0; i < ofShard.length; i += MAX_ENTRIES) {
        const response = await this.client.send(
          new BatchUpdateDevicePositionCommand({
            TrackerName: trackerName,
            Updates: ofShard.slice(i, i + MAX_ENTRIES).map(positionUpdateOf),
          }),
        );
        const failed = response.Errors ?? [];
        if (failed.length > 0) {
          const codes = [...new Set(failed.map((e) => e.Error?.Code))].join(', ');
          throw new DependencyError('location', `${failed.length} position updates failed (${codes})`);
        }
      }
    }
  }

  async history(device: TrackedDevice, fromMs: number, toMs: number): Promise<readonly DevicePosition[]> {
    const { deviceId } = device;
    const trackerName = shardNameOf(this.trackers, device);
    const out: DevicePosition[] = [];
    const pages = pagesOf(async (token) => {
      const page = await this.client.send(
        new GetDevicePositionHistoryCommand({
          TrackerName: trackerName,
          DeviceId: deviceId,
          StartTimeInclusive: new Date(fromMs),
          EndTimeExclusive: new Date(toMs),
          ...(token === undefined ? {} : { NextToken: token }),
        }),
      );
      return { items: page.DevicePositions ?? [], next: page.NextToken };
    });
    for await (const positions of pages) {
      for (const p of positions) {
        if (p.Position === undefined || p.SampleTime === undefined) continue;
        out.push({
          deviceId,
          position: [p.Position[0]!, p.Position[1]!],
          sampleTime: p.SampleTime.getTime(),
          ...(p.Accuracy?.Horizontal === undefined ? {} : { accuracyM: p.Accuracy.Horizontal }),
        });
      }
    }
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

/** The booth geofence collections in Amazon Location, one per shard, each linked to its shard's tracker. */
export class LocationGeofenceCollection implements GeofenceCollection {
  constructor(
    private readonly client: LocationClient,
    private readonly collections: readonly NamedShard[],
  ) {}

  async put(geofences: readonly BoothGeofence[]): Promise<void> {
    for (const [collectionName, ofShard] of byShard(this.collections, geofences, (g) => g)) {
      await putBoothGeofences(
        this.client,
        collectionName,
        ofShard.map((g) => ({ boothId: g.boothId, geofence: g.ring })),
      );
    }
  }
}
