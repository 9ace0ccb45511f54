import type { LonLat } from '@ballotstream/events';
import type { DevicePosition, DeviceTracker, TrackedDevice } from '../../ports/device-tracker';
import type { RecordStore } from '../../ports/record-store';
import { insidePolygon } from '../fleet/geofence';
import { allEntities, readEntity } from '../registry/registry-records';
import { recordKeys } from '../shared/keys';

/** How the monitoring centre shows a machine. */
export type MachineState = 'voting' | 'idle' | 'offline' | 'blocked' | 'off-geofence';

/** When a machine counts as voting or offline. */
export interface StateThresholds {
  /** A vote within this long makes the machine "voting". */
  readonly votingWithinMs: number;
  /** No position fix and no vote for this long makes it "offline". */
  readonly offlineAfterMs: number;
}

export const defaultStateThresholds: StateThresholds = {
  votingWithinMs: 5 * 60_000,
  offlineAfterMs: 5 * 60_000,
};

/** What is known of a machine at one moment, from the registry, the tracker and its votes. */
export interface MachineSignals {
  readonly blocked: boolean;
  readonly lastFix?: { readonly position: LonLat; readonly at: number };
  readonly geofence?: readonly LonLat[];
  /** End of the time bucket of its latest accepted vote. */
  readonly lastVoteAt?: number;
}

/**
 * The one state a machine is shown in, the most urgent first: blocked, then off its booth's
 * geofence, then offline (silent too long, or never heard), then voting, else idle.
 */
export function machineState(
  signals: MachineSignals,
  now: number,
  thresholds = defaultStateThresholds,
): MachineState {
  if (signals.blocked) return 'blocked';
  const fix = signals.lastFix;
  if (fix !== undefined && signals.geofence !== undefined && !insidePolygon(fix.position, signals.geofence))
    return 'off-geofence';
  const lastSeen = Math.max(fix?.at ?? -Infinity, signals.lastVoteAt ?? -Infinity);
  if (now - lastSeen > thresholds.offlineAfterMs) return 'offline';
  if (signals.lastVoteAt !== undefined && now - signals.lastVoteAt <= thresholds.votingWithinMs)
    return 'voting';
  return 'idle';
}

/** A machine as the map shows it. */
export interface MachineView {
  readonly machineId: string;
  readonly boothId: string;
  readonly constituencyId: string;
  readonly regionId: string;
  readonly state: MachineState;
  readonly blocked: boolean;
  /** The latest fix, or the booth's location until the machine reports one. */
  readonly position?: { readonly lat: number; readonly lon: number };
  readonly positionFrom: 'gps' | 'booth' | 'unknown';
  readonly lastSeenAt?: number;
}

export interface MachineViewDeps {
  readonly records: RecordStore;
  readonly tracker: DeviceTracker;
  readonly now: number;
  readonly thresholds?: StateThresholds;
  /** How far back to look for the latest fix. */
  readonly fixWindowMs?: number;
}

interface BoothPlace {
  readonly location?: { lat: number; lon: number };
  readonly geofence?: LonLat[];
}

/** Notes the bucket of a machine's latest accepted vote; an older bucket changes nothing. */
export async function recordMachineVote(
  records: RecordStore,
  machineId: string,
  votedUntil: number,
): Promise<void> {
  const key = recordKeys.machineActivity(machineId);
  const current = await records.get('fleet', key);
  if (typeof current?.lastVoteAt === 'number' && current.lastVoteAt >= votedUntil) return;
  await records.put('fleet', { ...key, lastVoteAt: votedUntil });
}

/** Every machine of the country or of one region, with its state and where it is. */
export async function listMachineViews(deps: MachineViewDeps, regionId?: string): Promise<MachineView[]> {
  const booths = new Map<string, BoothPlace>();
  for await (const booth of allEntities(
    deps.records,
    'booth',
    regionId === undefined ? undefined : { regionId },
  )) {
    booths.set(String(booth.boothId), booth as BoothPlace);
  }
  const machines: Record<string, unknown>[] = [];
  for await (const m of allEntities(
    deps.records,
    'machine',
    regionId === undefined ? undefined : { regionId },
  )) {
    machines.push(m);
  }
  const views = await Promise.all(machines.map((m) => viewOf(deps, m, booths.get(String(m.boothId)))));
  return views.sort((a, b) => a.machineId.localeCompare(b.machineId));
}

/** One machine's view, its booth, and its position trail over the last hours. */
export async function machineDetail(deps: MachineViewDeps, machineId: string, trailMs = 6 * 3600_000) {
  const machine = await readEntity(deps.records, 'machine', machineId);
  if (machine === undefined) return undefined;
  const booth = await readEntity(deps.records, 'booth', machine.boothId);
  const view = await viewOf(deps, machine, booth);
  const trail = await deps.tracker.history(trackedOf(machine), deps.now - trailMs, deps.now + 1);
  return {
    machine: view,
    ...(booth === undefined ? {} : { booth }),
    trail: trail.map((p) => ({ lon: p.position[0], lat: p.position[1], at: p.sampleTime })),
  };
}

/** A machine as the tracker knows it: its booth and region choose the tracker (the shard) in AWS. */
function trackedOf(machine: Readonly<Record<string, unknown>>): TrackedDevice {
  return {
    deviceId: String(machine.machineId),
    regionId: String(machine.regionId),
    boothId: String(machine.boothId),
  };
}

async function viewOf(
  deps: MachineViewDeps,
  machine: Readonly<Record<string, unknown>>,
  booth: BoothPlace | undefined,
): Promise<MachineView> {
  const machineId = String(machine.machineId);
  const window = deps.fixWindowMs ?? 24 * 3600_000;
  const [fixes, activity] = await Promise.all([
    deps.tracker.history(trackedOf(machine), deps.now - window, deps.now + 1),
    deps.records.get('fleet', recordKeys.machineActivity(machineId)),
  ]);
  const last: DevicePosition | undefined = fixes.at(-1);
  const lastVoteAt = typeof activity?.lastVoteAt === 'number' ? activity.lastVoteAt : undefined;
  const blocked = machine.blocked === true;
  const state = machineState(
    {
      blocked,
      ...(last === undefined ? {} : { lastFix: { position: last.position, at: last.sampleTime } }),
      ...(booth?.geofence === undefined ? {} : { geofence: booth.geofence }),
      ...(lastVoteAt === undefined ? {} : { lastVoteAt }),
    },
    deps.now,
    deps.thresholds,
  );
  const lastSeenAt = Math.max(last?.sampleTime ?? 0, lastVoteAt ?? 0);
  const position = last !== undefined ? { lon: last.position[0], lat: last.position[1] } : booth?.location;
  return {
    machineId,
    boothId: String(machine.boothId),
    constituencyId: String(machine.constituencyId),
    regionId: String(machine.regionId),
    state,
    blocked,
    ...(position === undefined ? {} : { position }),
    positionFrom: last !== undefined ? 'gps' : position !== undefined ? 'booth' : 'unknown',
    ...(lastSeenAt > 0 ? { lastSeenAt } : {}),
  };
}
