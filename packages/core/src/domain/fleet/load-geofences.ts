import type { BoothGeofence, GeofenceCollection } from '../../ports/geofence-collection';
import type { RecordStore } from '../../ports/record-store';
import { findBooth } from './placement';

/**
 * Puts the current geofence of each named booth into the collection the tracker evaluates, read
 * from the registry rather than taken from the event: a created and an updated event handled in
 * either order, or again, leave the collection with the registry's polygon. Answers how many
 * were put (a booth gone from the registry, or without a polygon or region, is skipped).
 */
export async function loadBoothGeofences(
  deps: { readonly records: RecordStore; readonly geofences: GeofenceCollection },
  boothIds: readonly string[],
): Promise<number> {
  const fences: BoothGeofence[] = [];
  for (const boothId of new Set(boothIds)) {
    const booth = await findBooth(deps.records, boothId);
    const regionId = booth?.regionId;
    // The region chooses the booth's collection; the registry gives every booth one.
    if (booth?.geofence !== undefined && regionId !== undefined)
      fences.push({ boothId, regionId, ring: booth.geofence });
  }
  if (fences.length > 0) await deps.geofences.put(fences);
  return fences.length;
}
