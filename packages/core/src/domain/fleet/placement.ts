import type { LonLat } from '@ballotstream/events';
import type { RecordStore } from '../../ports/record-store';
import { recordKeys } from '../shared/keys';
import { partitionRecords } from '../shared/pages';
import { findMachine, type MachineRecord } from '../shared/registry';

/** What the fleet needs to know of a booth: where it is, its geofence, how many may vote there. */
export interface BoothPlacement {
  readonly boothId: string;
  readonly constituencyId?: string;
  readonly regionId?: string;
  readonly electorate?: number;
  readonly geofence?: readonly LonLat[];
}

/** Reads a booth from the registry, or undefined when none is registered under that id. */
export async function findBooth(records: RecordStore, boothId: string): Promise<BoothPlacement | undefined> {
  const r = await records.get('registry', recordKeys.booth(boothId));
  if (r === undefined) return undefined;
  const geofence = Array.isArray(r.geofence) ? (r.geofence as LonLat[]) : undefined;
  return {
    boothId,
    ...(typeof r.constituencyId === 'string' ? { constituencyId: r.constituencyId } : {}),
    ...(typeof r.regionId === 'string' ? { regionId: r.regionId } : {}),
    ...(typeof r.electorate === 'number' ? { electorate: r.electorate } : {}),
    ...(geofence === undefined ? {} : { geofence }),
  };
}

/** The machines of a booth: those listed under it, and always the one asking. */
export async function machinesOfBooth(
  records: RecordStore,
  boothId: string,
  including?: string,
): Promise<string[]> {
  const ids = new Set<string>(including === undefined ? [] : [including]);
  for await (const r of partitionRecords(records, 'registry', recordKeys.boothMachinesPartition(boothId))) {
    ids.add(r.sk);
  }
  return [...ids].sort();
}

/** Looks machines up with a small per-process cache; the registry changes rarely during polls. */
export class MachineDirectory {
  private readonly cache = new Map<string, { machine: MachineRecord | undefined; at: number }>();

  constructor(
    private readonly records: RecordStore,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async find(machineId: string): Promise<MachineRecord | undefined> {
    const hit = this.cache.get(machineId);
    if (hit !== undefined && this.now() - hit.at < this.ttlMs) return hit.machine;
    const machine = await findMachine(this.records, machineId);
    this.cache.set(machineId, { machine, at: this.now() });
    return machine;
  }

  /** Drops a cached machine (its block state changed). */
  forget(machineId: string): void {
    this.cache.delete(machineId);
  }
}
