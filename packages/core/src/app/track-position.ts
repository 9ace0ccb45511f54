import { anomalyDetected, type PositionMessage } from '@ballotstream/events';
import type { Config } from '../config';
import { offGeofenceRule } from '../domain/anomaly/rules';
import { insidePolygon } from '../domain/fleet/geofence';
import { findBooth } from '../domain/fleet/placement';
import {
  type Clock,
  type DetectorState,
  type DeviceTracker,
  eventOf,
  type OutgoingEvent,
  type RecordStore,
} from '../ports';
import type { FromMachine } from './from-machine';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

export type TrackResult =
  | { readonly tracked: true }
  | { readonly tracked: false; readonly reason: 'unknown-machine' | 'rate-limited' };

/**
 * Forwards a machine's GPS fix to the tracker, at most one per `positionMinIntervalMs` per
 * machine (a chattering GPS costs tracker writes and tells nothing new). The tracker evaluates
 * the booth geofences but announces only a crossing: a machine whose first fix is already outside
 * its booth never crosses, so that first fix is checked here.
 */
export function trackPositionUseCase(
  ports: {
    readonly records: RecordStore;
    readonly clock: Clock;
    readonly detectorState: DetectorState;
    readonly tracker: DeviceTracker;
  },
  config: Pick<Config, 'monitoring'>,
  monitors: Monitors,
) {
  const interval = config.monitoring.fleet.positionMinIntervalMs;
  return async ({
    machineId,
    receivedAt,
    message: fix,
  }: FromMachine<PositionMessage>): Promise<Outcome<TrackResult>> => {
    const machine = await monitors.machines.find(machineId);
    if (machine === undefined) return outcome({ tracked: false, reason: 'unknown-machine' });
    const fixId = `fix:${machine.machineId}:${receivedAt}`;
    await monitors.detector.seen(machine, fixId, ports.clock.now());
    // Paced by when the broker received the fix, which a machine cannot forge, not by its own
    // clock; the pace is kept in the shared detector state, so every instance holds the machine to it.
    const state = ports.detectorState;
    if (!(await state.claimReport(`fix|${machine.machineId}`, fixId, receivedAt, interval)))
      return outcome({ tracked: false, reason: 'rate-limited' });
    const events: OutgoingEvent[] = [];
    const forwarded = await state.apply(`fix:${machine.machineId}`, fixId, { counters: { forwarded: 1 } });
    if (forwarded.state.values.forwarded === '1') {
      const booth = await findBooth(ports.records, machine.boothId);
      if (booth?.geofence !== undefined && !insidePolygon([fix.lon, fix.lat], booth.geofence)) {
        const { regionId, constituencyId, boothId } = machine;
        const finding = offGeofenceRule(
          { regionId, constituencyId, boothId, machineId: machine.machineId },
          boothId,
          [fix.lon, fix.lat],
          new Date(fix.sampledAt).toISOString(),
        );
        events.push(
          eventOf(anomalyDetected, {
            ...finding.subject,
            rule: finding.rule,
            severity: finding.severity,
            evidence: { ...finding.evidence, firstFix: true },
            detectedAt: new Date(ports.clock.now()).toISOString(),
          }),
        );
      }
    }
    const { machineId: deviceId, regionId, boothId } = machine;
    await ports.tracker.update([
      {
        device: { deviceId, regionId, boothId },
        deviceId,
        position: [fix.lon, fix.lat],
        sampleTime: fix.sampledAt,
        ...(fix.accuracyM === undefined ? {} : { accuracyM: fix.accuracyM }),
      },
    ]);
    return outcome({ tracked: true }, events);
  };
}
