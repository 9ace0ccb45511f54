import type { LonLat } from '@ballotstream/events';
import { recordKeys } from '../../domain/shared/keys';
import type { BoothGeofence, GeofenceCollection } from '../../ports/geofence-collection';
import type { RecordStore } from '../../ports/record-store';

/**
 * The local stand-in for the booth geofence collection: each polygon in the `fleet` table. The
 * local tracker evaluates a machine's booth polygon straight from the registry, so this copy
 * shows what the loader put, as Amazon Location's `ListGeofences` would.
 */
export class LocalGeofenceCollection implements GeofenceCollection {
  constructor(private readonly records: RecordStore) {}

  async put(geofences: readonly BoothGeofence[]): Promise<void> {
    for (const g of geofences) {
      await this.records.put('fleet', {
        ...recordKeys.geofence(g.boothId),
        ring: g.ring.map(([lon, lat]) => [lon, lat]),
      });
    }
  }

  /** The polygon the collection holds for a booth, if any. */
  async get(boothId: string): Promise<LonLat[] | undefined> {
    const record = await this.records.get('fleet', recordKeys.geofence(boothId));
    return Array.isArray(record?.ring) ? (record.ring as LonLat[]) : undefined;
  }
}
