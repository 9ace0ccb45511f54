import type { EventBridgeEnvelope, GeofenceEventDetail, LonLat } from '@ballotstream/events';

/** Whether a point lies inside a polygon ring of [lon, lat] positions (ray casting; edges count as inside). */
export function insidePolygon(point: LonLat, ring: readonly LonLat[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (onSegment(point, [xi, yi], [xj, yj])) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function onSegment([x, y]: LonLat, [x1, y1]: LonLat, [x2, y2]: LonLat): boolean {
  const cross = (x - x1) * (y2 - y1) - (y - y1) * (x2 - x1);
  if (Math.abs(cross) > 1e-12) return false;
  return x >= Math.min(x1, x2) && x <= Math.max(x1, x2) && y >= Math.min(y1, y2) && y <= Math.max(y1, y2);
}

/** A geofence of the collection: a booth's id and its polygon ring. */
export interface Geofence {
  readonly geofenceId: string;
  readonly ring: readonly LonLat[];
}

/** The geofences a device entered and left between its last evaluation and this position. */
export function geofenceTransitions(
  wasInside: ReadonlySet<string>,
  position: LonLat,
  geofences: readonly Geofence[],
): { readonly entered: string[]; readonly exited: string[]; readonly inside: string[] } {
  const inside = geofences.filter((g) => insidePolygon(position, g.ring)).map((g) => g.geofenceId);
  const now = new Set(inside);
  const evaluated = new Set(geofences.map((g) => g.geofenceId));
  return {
    entered: inside.filter((id) => !wasInside.has(id)),
    // Only a geofence evaluated this time can be left; one not evaluated keeps its state.
    exited: [...wasInside].filter((id) => evaluated.has(id) && !now.has(id)),
    inside: [...new Set([...inside, ...[...wasInside].filter((id) => !evaluated.has(id))])],
  };
}

/** The names Amazon Location would give the collection and tracker in a stage. */
export function locationResources(stage: string, region = 'local', account = '000000000000'): string[] {
  return [
    `arn:aws:geo:${region}:${account}:geofence-collection/ballotstream-${stage}-booths`,
    `arn:aws:geo:${region}:${account}:tracker/ballotstream-${stage}-machines`,
  ];
}

/** The envelope Amazon Location puts on the default bus for an ENTER or EXIT, exactly as AWS shapes it. */
export function geofenceEnvelope(
  id: string,
  detail: GeofenceEventDetail,
  resources: readonly string[],
  region = 'local',
  account = '000000000000',
): EventBridgeEnvelope<'Location Geofence Event', GeofenceEventDetail> {
  return {
    version: '0',
    id,
    'detail-type': 'Location Geofence Event',
    source: 'aws.geo',
    account,
    time: new Date().toISOString(),
    region,
    resources,
    detail,
  };
}
