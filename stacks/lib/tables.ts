import { type Blueprint, planCapacity, pollHoursOf, type TableDefinition } from '@ballotstream/core';

export interface TablePlan {
  readonly definition: TableDefinition;
  /** The replica in the secondary region and how it is kept consistent with the primary. */
  readonly replica: { readonly consistencyMode: 'STRONG' | 'EVENTUAL' };
  /** The region whose witness completes a strongly consistent table (two replicas and a witness). */
  readonly witnessRegion: string | undefined;
  /** TTL attribute; left off strongly consistent tables, which expire records in the application instead. */
  readonly ttlAttribute: string | undefined;
  /** Write units a table serves from the first second of the day, from the capacity plan. */
  readonly warmWriteUnitsPerSecond: number | undefined;
}

/**
 * The warm write throughput the capacity plan asks of each table for the blueprint's election
 * (`<table> warm write throughput` lines), so election-day traffic does not wait for on-demand
 * scaling.
 */
export function warmWriteUnits(blueprint: Blueprint): ReadonlyMap<string, number> {
  const plan = planCapacity({ ...blueprint.scale, hours: pollHoursOf(blueprint) });
  const units = new Map<string, number>();
  for (const line of plan.lines) {
    const table = /^(\w+) warm write throughput$/.exec(line.metric)?.[1];
    if (line.service === 'DynamoDB' && table !== undefined && line.request !== undefined) {
      units.set(table, Math.ceil(line.request));
    }
  }
  return units;
}

/**
 * How each table is replicated. Every table is a global table with a replica in the secondary
 * region, so either region can serve. Tables whose definition asks for multi-region strong
 * consistency (`voters`, `tickets`, `ballots`: the one-voter-one-vote claim, revocations and
 * one-time tokens) become MRSC tables: a conditional write there is decided once for both
 * regions, where an eventually consistent global table would let two regions each accept a
 * claim and settle it later by last-writer-wins. MRSC needs a third region as witness; without
 * one in the blueprint the table is created eventually consistent and the deploy says so.
 */
export function tablePlans(
  definitions: readonly TableDefinition[],
  witnessRegion?: string,
  warm: ReadonlyMap<string, number> = new Map(),
): TablePlan[] {
  return definitions.map((definition) => {
    const strong = definition.multiRegionStrong && witnessRegion !== undefined;
    return {
      definition,
      replica: { consistencyMode: strong ? 'STRONG' : 'EVENTUAL' },
      witnessRegion: strong ? witnessRegion : undefined,
      ttlAttribute: strong ? undefined : definition.ttlAttribute,
      warmWriteUnitsPerSecond: warm.get(definition.name),
    };
  });
}
