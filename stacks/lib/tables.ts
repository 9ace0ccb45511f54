import { type Blueprint, planCapacity, pollHoursOf, type TableDefinition } from '@ballotstream/core';

/** Read and write units a table serves at once (DynamoDB warm throughput). */
export interface WarmThroughput {
  readonly read: number;
  readonly write: number;
}

/** What election day asks of a table beyond on-demand's start, in either direction. */
export interface WarmThroughputNeed {
  readonly read?: number;
  readonly write?: number;
}

/**
 * The least warm throughput DynamoDB accepts for a base table, which is also what a new
 * on-demand table serves at once (DynamoDB developer guide; `@pulumi/aws` TableWarmThroughput,
 * checked 2026-12-03). Lowering a base table's value later forces Pulumi to replace the table.
 */
export const WARM_THROUGHPUT_MINIMUM: WarmThroughput = { read: 12_000, write: 4_000 };

/**
 * AWS's multi-Region strong consistency (MRSC) region sets: the two replicas and the witness
 * must all be in one of them (DynamoDB API reference, CreateGlobalTableWitnessGroupMemberAction,
 * checked 2026-12-03). No Indian or South-East Asian region is in any set.
 */
export const MRSC_REGION_SETS = {
  US: ['us-east-1', 'us-east-2', 'us-west-2'],
  EU: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'],
  AP: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
} as const satisfies Record<string, readonly string[]>;

/** The regions of a stage's global tables: two replicas and, for MRSC, a witness. */
export interface TableRegions {
  readonly primary: string;
  readonly secondary: string;
  readonly witness?: string | undefined;
}

export interface TablePlan {
  readonly definition: TableDefinition;
  /** The replica in the secondary region and how it is kept consistent with the primary. */
  readonly replica: { readonly consistencyMode: 'STRONG' | 'EVENTUAL' };
  /** The region whose witness completes a strongly consistent table (two replicas and a witness). */
  readonly witnessRegion: string | undefined;
  /** TTL attribute; left off strongly consistent tables, which expire records in the application instead. */
  readonly ttlAttribute: string | undefined;
  /** Units the table serves from the first second of the day; `undefined` leaves DynamoDB's default. */
  readonly warmThroughput: WarmThroughput | undefined;
}

/** The MRSC region set holding every one of `regions`, or `undefined` when none does. */
export function mrscRegionSet(regions: readonly string[]): keyof typeof MRSC_REGION_SETS | undefined {
  for (const [name, set] of Object.entries(MRSC_REGION_SETS) as [
    keyof typeof MRSC_REGION_SETS,
    readonly string[],
  ][]) {
    if (regions.every((r) => set.includes(r))) return name;
  }
  return undefined;
}

function describeSets(): string {
  return Object.entries(MRSC_REGION_SETS)
    .map(([name, set]) => `${name}: ${set.join(', ')}`)
    .join('; ');
}

/** Throws, naming the regions, when a witness cannot make the stage's tables MRSC. */
export function checkTableRegions(regions: TableRegions): void {
  if (regions.witness !== undefined) checkWitness({ ...regions, witness: regions.witness });
}

function checkWitness(regions: TableRegions & { witness: string }): void {
  const { primary, secondary, witness } = regions;
  if (witness === primary || witness === secondary) {
    throw new Error(
      `aws.witnessRegion: witness ${witness} is also a replica region; MRSC needs a third region (${describeSets()})`,
    );
  }
  if (mrscRegionSet([primary, secondary, witness]) === undefined) {
    throw new Error(
      `aws.witnessRegion: ${primary}, ${secondary} and witness ${witness} are not in one MRSC region set (${describeSets()}). ` +
        'Choose three regions of one set, or remove aws.witnessRegion to create eventually consistent (MREC) global tables',
    );
  }
}

/** One sentence for the deploy log saying how the strongly consistent tables are replicated, and why. */
export function replicationNotice(regions: TableRegions): string {
  const pair = `${regions.primary} and ${regions.secondary}`;
  if (regions.witness !== undefined) {
    checkWitness({ ...regions, witness: regions.witness });
    return `voters, tickets and ballots are strongly consistent (MRSC) across ${pair}, witness ${regions.witness}`;
  }
  const why =
    mrscRegionSet([regions.primary, regions.secondary]) === undefined
      ? `${pair} are not in one MRSC region set (${describeSets()})`
      : 'the blueprint names no aws.witnessRegion';
  return (
    `every table is an eventually consistent (MREC) global table across ${pair}: ${why}. ` +
    'A conditional write is then decided in its own region only, so verification runs in the primary region alone'
  );
}

/**
 * The warm throughput the capacity plan asks of each table for the blueprint's election: its
 * `<table> warm write throughput` and `<table> read units/s` request figures, so election-day
 * traffic does not wait for on-demand scaling.
 */
export function warmThroughputNeeds(blueprint: Blueprint): ReadonlyMap<string, WarmThroughputNeed> {
  const plan = planCapacity({ ...blueprint.scale, hours: pollHoursOf(blueprint) });
  const needs = new Map<string, { read?: number; write?: number }>();
  for (const line of plan.lines) {
    if (line.service !== 'DynamoDB' || line.request === undefined) continue;
    const write = /^(\w+) warm write throughput$/.exec(line.metric)?.[1];
    const read = /^(\w+) read units\/s/.exec(line.metric)?.[1];
    const table = write ?? read;
    if (table === undefined) continue;
    const need = needs.get(table) ?? {};
    needs.set(table, { ...need, [write !== undefined ? 'write' : 'read']: Math.ceil(line.request) });
  }
  return needs;
}

/**
 * The warm throughput to set on a table: `undefined` (DynamoDB's default) unless the need
 * exceeds the minimum in some direction; then at least the minimum in both directions. It is
 * never below what the deployed table already has, since lowering it replaces the table.
 */
export function warmThroughputPlan(
  need: WarmThroughputNeed | undefined,
  deployed: WarmThroughput | undefined,
): WarmThroughput | undefined {
  const read = need?.read ?? 0;
  const write = need?.write ?? 0;
  // A live table still at DynamoDB's default was never raised: treat it as not set, so the
  // stack does not start managing a value nobody asked for.
  const raised =
    deployed !== undefined &&
    (deployed.read > WARM_THROUGHPUT_MINIMUM.read || deployed.write > WARM_THROUGHPUT_MINIMUM.write);
  if (raised) {
    return { read: Math.max(deployed.read, read), write: Math.max(deployed.write, write) };
  }
  if (read <= WARM_THROUGHPUT_MINIMUM.read && write <= WARM_THROUGHPUT_MINIMUM.write) return undefined;
  return {
    read: Math.max(WARM_THROUGHPUT_MINIMUM.read, read),
    write: Math.max(WARM_THROUGHPUT_MINIMUM.write, write),
  };
}

/**
 * How each table is replicated and warmed. Every table is a global table with a replica in the
 * secondary region, so either region can serve. Tables whose definition asks for multi-region
 * strong consistency (`voters`, `tickets`, `ballots`: the one-voter-one-vote claim, revocations
 * and one-time tokens) become MRSC tables when the blueprint names a witness: a conditional
 * write there is decided once for both regions. MRSC is offered only within AWS's region sets,
 * so a witness outside the replicas' set is refused here, before AWS refuses it mid-deploy.
 * Without a witness the tables are eventually consistent (`replicationNotice` says so).
 */
export function tablePlans(
  definitions: readonly TableDefinition[],
  regions: TableRegions,
  warm: ReadonlyMap<string, WarmThroughputNeed> = new Map(),
  deployed: ReadonlyMap<string, WarmThroughput> = new Map(),
): TablePlan[] {
  const { witness } = regions;
  if (witness !== undefined) checkWitness({ ...regions, witness });
  return definitions.map((definition) => {
    const strong = definition.multiRegionStrong && witness !== undefined;
    return {
      definition,
      replica: { consistencyMode: strong ? 'STRONG' : 'EVENTUAL' },
      witnessRegion: strong ? witness : undefined,
      ttlAttribute: strong ? undefined : definition.ttlAttribute,
      warmThroughput: warmThroughputPlan(warm.get(definition.name), deployed.get(definition.name)),
    };
  });
}
