import { offGeofenceRule } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { anomalyDetected, locationGeofenceEvent } from '@ballotstream/events';
import { eventHandler } from '../shared/events';
import { monitorsOf } from '../shared/monitors';
import { countRejection } from '../shared/observability';

/**
 * Amazon Location's geofence events (routed from the default bus to the app bus in AWS; from the local tracker here):
 * a machine leaving its own booth's geofence is an `off-geofence` anomaly.
 */
export const handler = eventHandler(
  'geofenceEvent',
  locationGeofenceEvent,
  async (detail, deps, envelope) => {
    const monitors = monitorsOf(deps);
    const machine = await monitors.machines.find(detail.DeviceId);
    if (machine === undefined) {
      countRejection('geofenceEvent', 'unknown-machine');
      return { anomaly: false, reason: 'unknown-machine' };
    }
    await monitors.detector.seen(machine, envelope.id, deps.clock.now());
    if (detail.EventType !== 'EXIT' || detail.GeofenceId !== machine.boothId) return { anomaly: false };
    const finding = offGeofenceRule(
      {
        regionId: machine.regionId,
        constituencyId: machine.constituencyId,
        boothId: machine.boothId,
        machineId: machine.machineId,
      },
      detail.GeofenceId,
      detail.Position,
      detail.SampleTime,
    );
    await deps.publisher.publish([
      eventOf(anomalyDetected, {
        ...finding.subject,
        rule: finding.rule,
        severity: finding.severity,
        evidence: { ...finding.evidence },
        detectedAt: new Date(deps.clock.now()).toISOString(),
      }),
    ]);
    return { anomaly: true };
  },
);
