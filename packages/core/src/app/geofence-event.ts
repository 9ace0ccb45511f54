import { anomalyDetected, type DetailOf, type locationGeofenceEvent } from '@ballotstream/events';
import { offGeofenceRule } from '../domain/anomaly/rules';
import { type Clock, eventOf } from '../ports';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

export type GeofenceResult =
  | { readonly anomaly: boolean }
  | { readonly anomaly: false; readonly reason: 'unknown-machine' };

/**
 * A tracker's geofence event: any fix shows the machine is alive, and a machine leaving its own
 * booth's geofence is an `off-geofence` anomaly.
 */
export function geofenceEventUseCase(ports: { readonly clock: Clock }, monitors: Monitors) {
  return async (
    id: string,
    detail: DetailOf<typeof locationGeofenceEvent>,
  ): Promise<Outcome<GeofenceResult>> => {
    const machine = await monitors.machines.find(detail.DeviceId);
    if (machine === undefined) return outcome({ anomaly: false, reason: 'unknown-machine' });
    await monitors.detector.seen(machine, id, ports.clock.now());
    if (detail.EventType !== 'EXIT' || detail.GeofenceId !== machine.boothId)
      return outcome({ anomaly: false });
    const { regionId, constituencyId, boothId, machineId } = machine;
    const finding = offGeofenceRule(
      { regionId, constituencyId, boothId, machineId },
      detail.GeofenceId,
      detail.Position,
      detail.SampleTime,
    );
    const detectedAt = new Date(ports.clock.now()).toISOString();
    const { subject, rule, severity, evidence } = finding;
    return outcome({ anomaly: true }, [
      eventOf(anomalyDetected, { ...subject, rule, severity, evidence: { ...evidence }, detectedAt }),
    ]);
  };
}
