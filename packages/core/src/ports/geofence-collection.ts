import type { LonLat } from '@ballotstream/events';

/**
 * A booth's geofence: the geofence id is the booth id; the ring is closed, `[lon, lat]`. The
 * booth's region with its id choose the collection (the shard) it goes to in AWS.
 */
export interface BoothGeofence {
  readonly boothId: string;
  readonly regionId: string;
  readonly ring: readonly LonLat[];
}

/**
 * The collection of booth geofences the tracker evaluates positions against (Amazon Location's
 * geofence collection, linked to the tracker; a table of polygons locally). Putting a booth's
 * geofence again replaces it.
 */
export interface GeofenceCollection {
  put(geofences: readonly BoothGeofence[]): Promise<void>;
}
