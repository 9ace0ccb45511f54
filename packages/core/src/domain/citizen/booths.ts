import type { RecordStore } from '../../ports/record-store';
import { allEntities } from '../registry/registry-records';

/** A booth as the citizen app and the map show it. */
export interface BoothListing {
  readonly boothId: string;
  readonly name: string;
  readonly nameHi?: string;
  readonly address: string;
  readonly constituencyId: string;
  readonly constituencyName?: string;
  readonly constituencyNameHi?: string;
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
  /** Lists booths after this booth id (the `next` of the page before); not with `near`. */
  readonly after?: string;
}

/** One page of booths, and the `after` that reads the next one while there is more. */
export interface BoothPage {
  readonly booths: BoothListing[];
  readonly next?: string;
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

/** A registry booth as listed, with its constituency's names. */
function listing(b: Readonly<Record<string, unknown>>, names: ReadonlyMap<string, Record<string, unknown>>) {
  const constituencyId = String(b.constituencyId);
  const c = names.get(constituencyId);
  return {
    boothId: String(b.boothId),
    name: typeof b.name === 'string' ? b.name : String(b.boothId),
    ...hindi(b, 'nameHi'),
    address: typeof b.address === 'string' ? b.address : '',
    constituencyId,
    ...(c === undefined ? {} : { constituencyName: String(c.name) }),
    ...(c !== undefined && typeof c.nameHi === 'string' ? { constituencyNameHi: c.nameHi } : {}),
    regionId: String(b.regionId),
    ...(isPoint(b.location) ? { location: b.location } : {}),
    ...(Array.isArray(b.geofence) ? { geofence: b.geofence as [number, number][] } : {}),
    ...(typeof b.electorate === 'number' ? { electorate: b.electorate } : {}),
  } satisfies BoothListing;
}

/**
 * Finds booths nearest a point, or matching typed words, within a region or constituency: the
 * nearest first, or one page in booth id order with the `next` that reads the one after.
 * It reads the booth listing of the registry: fine for a state's election; a national one
 * would put a geohash index beside it (see docs/as-built.md).
 */
export async function findBooths(records: RecordStore, search: BoothSearch): Promise<BoothPage> {
  const names = new Map<string, Record<string, unknown>>();
  for await (const c of allEntities(records, 'constituency')) names.set(String(c.constituencyId), c);
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
    const booth = listing(b, names);
    if (search.after !== undefined && booth.boothId <= search.after) continue;
    if (words.length > 0) {
      const haystack =
        `${booth.name} ${booth.nameHi ?? ''} ${booth.address} ${booth.constituencyName ?? ''} ${booth.boothId}`.toLowerCase();
      if (!words.every((w) => haystack.includes(w))) continue;
    }
    found.push(
      search.near !== undefined && booth.location !== undefined
        ? { ...booth, distanceKm: Math.round(distanceKm(search.near, booth.location) * 10) / 10 }
        : booth,
    );
  }
  if (search.near !== undefined) {
    found.sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity));
    return { booths: found.slice(0, search.limit) };
  }
  found.sort((a, b) => (a.boothId < b.boothId ? -1 : a.boothId > b.boothId ? 1 : 0));
  const booths = found.slice(0, search.limit);
  return found.length > search.limit ? { booths, next: booths.at(-1)!.boothId } : { booths };
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
