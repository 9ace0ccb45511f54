import { createHash } from 'node:crypto';

/**
 * Amazon Location's quotas per account and region (Developer Guide, "Geofences quotas and usage"
 * and "Trackers quota and usage"). Geofences per collection and consumers per tracker cannot be
 * raised through Service Quotas; the others can, to the maximum noted, and beyond by support.
 */
export const locationQuotas = {
  /** Not adjustable. */
  geofencesPerCollection: 50_000,
  /** Adjustable to 3,000. */
  collectionsPerAccount: 1_500,
  /** Adjustable to 1,000. */
  trackersPerAccount: 500,
  /** Not adjustable through Service Quotas. */
  consumersPerTracker: 5,
  /** `BatchUpdateDevicePosition` requests a second; adjustable to 100. */
  positionUpdatesPerSecond: 50,
  positionUpdatesMaxAdjustable: 100,
  /** Device positions in one `BatchUpdateDevicePosition` request. */
  positionsPerRequest: 10,
  /** `BatchPutGeofence` requests a second; adjustable to 100. */
  geofencePutsPerSecond: 50,
  /** Geofences in one `BatchPutGeofence` request. */
  geofencesPerPut: 10,
} as const;
export type LocationQuotas = typeof locationQuotas;

/** The region id of the one shard set a blueprint without a split by region plans. */
export const NATIONAL_REGION = 'national';

/**
 * A collection's planned fill: booths go to a shard by a hash of their id, so a shard planned
 * at 80% of the quota stays under it whatever the hash's unevenness (a few hundred booths at
 * this size), and the registry can add booths on the day.
 */
export const SHARD_FILL = 0.8;

/** One shard of the fleet's positions: a geofence collection and the tracker that evaluates against it. */
export interface LocationShard {
  /** `<regionId>-<part>`, the suffix of the collection's and the tracker's names. */
  readonly name: string;
  readonly regionId: string;
  /** 0-based, below `parts`. */
  readonly part: number;
  readonly parts: number;
  /** Booths (geofences) planned in it. */
  readonly booths: number;
}

/** What the location plan is made from: the booths, by region where the blueprint says so. */
export interface LocationInput {
  readonly booths: number;
  /** Booths per region (state); without it the booths are one national region. */
  readonly boothsByRegion?: Readonly<Record<string, number>>;
}

/** The booths of each region the plan shards: the blueprint's split, or all of them as one region. */
export function regionsOf(input: LocationInput): [string, number][] {
  const byRegion = input.boothsByRegion;
  if (byRegion === undefined || Object.keys(byRegion).length === 0) return [[NATIONAL_REGION, input.booths]];
  return Object.entries(byRegion).sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Shards every region's booths into as few collections as keep each at `SHARD_FILL` of the
 * geofence quota; each shard has its own tracker, so a machine is tracked against its booth's
 * region only. A region never shares a collection with another, so a state's officers and its
 * geofence events stay apart.
 */
export function planLocationShards(
  input: LocationInput,
  quotas: LocationQuotas = locationQuotas,
): LocationShard[] {
  const perShard = Math.floor(quotas.geofencesPerCollection * SHARD_FILL);
  return regionsOf(input).flatMap(([regionId, booths]) => {
    const parts = Math.max(1, Math.ceil(booths / perShard));
    return Array.from({ length: parts }, (_, part) => ({
      name: `${regionId}-${part}`,
      regionId,
      part,
      parts,
      // The hash spreads a region's booths evenly; the first parts take the remainder.
      booths: Math.floor(booths / parts) + (part < booths % parts ? 1 : 0),
    }));
  });
}

/** The part of its region a booth's geofence (and its machines' positions) belong to: a stable hash of its id. */
export function partOfBooth(boothId: string, parts: number): number {
  return createHash('sha256').update(boothId).digest().readUInt32BE(0) % parts;
}

/** What places a booth's geofence, or a machine's positions, in a shard: the booth and its region. */
export interface BoothPlace {
  readonly regionId: string;
  readonly boothId: string;
}

/** A shard as a runtime knows it: where it sits in its region's parts, and its resource's name. */
export type ShardPart = Pick<LocationShard, 'regionId' | 'part' | 'parts'>;

/**
 * The shard a booth belongs to, or undefined when the plan has no shard for its region: the one
 * rule the stacks plan by and the AWS adapters route by. A plan without a split by region
 * (`national`) takes every booth.
 */
export function shardOfBooth<S extends ShardPart>(
  shards: readonly S[],
  regionId: string,
  boothId: string,
): S | undefined {
  const planned = shards.some((s) => s.regionId === regionId) ? regionId : NATIONAL_REGION;
  const ofRegion = shards.filter((s) => s.regionId === planned);
  const first = ofRegion[0];
  if (first === undefined) return undefined;
  const part = partOfBooth(boothId, first.parts);
  return ofRegion.find((s) => s.part === part);
}

/** The names of a shard's tracker and geofence collection in a stage (`stacks/location.ts`). */
export function locationResourceNames(stage: string, shard: Pick<LocationShard, 'name'>) {
  return {
    tracker: `ballotstream-${stage}-machines-${shard.name}`,
    collection: `ballotstream-${stage}-booths-${shard.name}`,
  };
}
