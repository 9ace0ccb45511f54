import type { RecordStore } from '../../ports/record-store';
import { allEntities } from '../registry/registry-records';

/** A booth as the citizen app and the map show it. */
export interface BoothListing {
  readonly boothId: string;
  readonly name: string;
  readonly address: string;
  readonly constituencyId: string;
  readonly constituencyName?: string;
  readonly regionId: string;
  readonly location?: { readonly lat: number; readonly lon: number };
  readonly geofence?: readonly (readonly [number, number])[];
  /** Voters registered at the booth, for turnout as a share of the electorate. */
  readonly electorate?: number;
  readonly distanceKm?: number;
}

export interface BoothSearch {
  readonly near?: { readonly lat: number; readonly lon: number };
  /** Words of a booth's name, address or constituency. */
  readonly text?: string;
  readonly regionId?: string;
  readonly constituencyId?: string;
  readonly limit: number;
}

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Finds booths nearest a point, or matching typed words, within a region or constituency.
 * It reads the booth listing of the registry: fine for a state's election; a national one
 * would put a geohash index beside it (see docs/as-built.md).
 */
export async function findBooths(records: RecordStore, search: BoothSearch): Promise<BoothListing[]> {
  const names = new Map<string, string>();
  for await (const c of allEntities(records, 'constituency'))
    names.set(String(c.constituencyId), String(c.name));
  const words = (search.text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const filter = {
    ...(search.regionId === undefined ? {} : { regionId: search.regionId }),
    ...(search.constituencyId === undefined ? {} : { constituencyId: search.constituencyId }),
  };
  const found: BoothListing[] = [];
  for await (const b of allEntities(records, 'booth', filter)) {
    const constituencyId = String(b.constituencyId);
    const booth: BoothListing = {
      boothId: String(b.boothId),
      name: typeof b.name === 'string' ? b.name : String(b.boothId),
      address: typeof b.address === 'string' ? b.address : '',
      constituencyId,
      ...(names.has(constituencyId) ? { constituencyName: names.get(constituencyId)! } : {}),
      regionId: String(b.regionId),
      ...(isPoint(b.location) ? { location: b.location } : {}),
      ...(Array.isArray(b.geofence) ? { geofence: b.geofence as [number, number][] } : {}),
      ...(typeof b.electorate === 'number' ? { electorate: b.electorate } : {}),
    };
    if (words.length > 0) {
      const haystack =
        `${booth.name} ${booth.address} ${booth.constituencyName ?? ''} ${booth.boothId}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) continue;
    }
    found.push(
      search.near !== undefined && booth.location !== undefined
        ? { ...booth, distanceKm: Math.round(distanceKm(search.near, booth.location) * 10) / 10 }
        : booth,
    );
  }
  if (search.near !== undefined)
    found.sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity));
  else found.sort((a, b) => a.boothId.localeCompare(b.boothId));
  return found.slice(0, search.limit);
}

/** The constituencies of the country or of one region, by name. */
export async function listConstituencies(records: RecordStore, regionId?: string) {
  const out: { constituencyId: string; name: string; nameHi?: string; regionId: string }[] = [];
  for await (const c of allEntities(
    records,
    'constituency',
    regionId === undefined ? undefined : { regionId },
  )) {
    out.push({
      constituencyId: String(c.constituencyId),
      name: String(c.name),
      ...hindi(c, 'nameHi'),
      regionId: String(c.regionId),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The candidates of one constituency in ballot order: name and party, nothing else. */
export async function listCandidates(records: RecordStore, constituencyId: string) {
  const out: {
    candidateId: string;
    name: string;
    nameHi?: string;
    party: string;
    partyHi?: string;
    ballotOrder: number;
  }[] = [];
  for await (const c of allEntities(records, 'candidate', { constituencyId })) {
    out.push({
      candidateId: String(c.candidateId),
      name: String(c.name),
      ...hindi(c, 'nameHi'),
      party: String(c.party),
      ...hindi(c, 'partyHi'),
      ballotOrder: Number(c.ballotOrder),
    });
  }
  return out.sort((a, b) => a.ballotOrder - b.ballotOrder);
}

/** The Hindi form of a name, when the registry record has one. */
function hindi<K extends string>(record: Readonly<Record<string, unknown>>, key: K): { [P in K]?: string } {
  const value = record[key];
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}

function isPoint(value: unknown): value is { lat: number; lon: number } {
  const p = value as { lat?: unknown; lon?: unknown } | undefined;
  return typeof p?.lat === 'number' && typeof p.lon === 'number';
}
