import {
  type CandidateListing,
  type ConstituencyListing,
  candidatesResponseSchema,
  constituenciesResponseSchema,
} from '@ballotstream/events';
import { allBooths, getJson } from '../shared/api';
import { scopeQuery } from './page';
import type { Session } from './session';

/** What the registry says of the officer's scope, read once per page: names, candidates, electorates. */
export interface ScopeRegistry {
  readonly constituencies: readonly ConstituencyListing[];
  readonly candidatesOf: ReadonlyMap<string, readonly CandidateListing[]>;
  /** Voters registered per constituency, summed over its booths. */
  readonly electorateOf: ReadonlyMap<string, number>;
  /** The regions in scope, in order. */
  readonly regions: readonly string[];
}

/** Sums a count per key. */
function add(into: Map<string, number>, key: string, n: number): void {
  into.set(key, (into.get(key) ?? 0) + n);
}

/** Reads the constituencies, candidates and booth electorates of the officer's scope. */
export async function loadRegistry(s: Session): Promise<ScopeRegistry> {
  const [{ constituencies }, booths] = await Promise.all([
    getJson(`/constituencies${scopeQuery(s)}`, constituenciesResponseSchema),
    allBooths(scopeQuery(s, '&')),
  ]);
  const lists = await Promise.all(
    constituencies.map((c) =>
      getJson(`/candidates?constituencyId=${encodeURIComponent(c.constituencyId)}`, candidatesResponseSchema),
    ),
  );
  const electorateOf = new Map<string, number>();
  for (const b of booths) add(electorateOf, b.constituencyId, b.electorate ?? 0);
  return {
    constituencies,
    candidatesOf: new Map(lists.map((l) => [l.constituencyId, l.candidates])),
    electorateOf,
    regions: [...new Set(constituencies.map((c) => c.regionId))].sort(),
  };
}

/** The electorate of a region: the sum over its constituencies. */
export function regionElectorate(registry: ScopeRegistry, regionId: string): number {
  return registry.constituencies
    .filter((c) => c.regionId === regionId)
    .reduce((n, c) => n + (registry.electorateOf.get(c.constituencyId) ?? 0), 0);
}
