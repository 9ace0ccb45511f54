import { findBooth, insidePolygon, offGeofenceRule } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { anomalyDetected, positionMessageSchema } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { monitorsOf } from '../shared/monitors';
import { countRejection } from '../shared/observability';

/**
 * IoT rule target for `machines/+/position`: forwards a machine's GPS fix to the tracker, at
 * most one per `positionMinIntervalMs` per machine (a chattering GPS costs tracker writes and
 * tells nothing new). The tracker evaluates the booth geofences, but it announces only a
 * crossing: a machine whose first fix is already outside its booth never crosses, so that first
 * fix is checked here.
 */
export const handler = topicRuleHandler('trackPosition', async (event, deps) => {
  const checked = checkPayload(positionMessageSchema, event);
  if (!checked.ok) {
    countRejection('trackPosition', 'malformed');
    return { tracked: false, reason: 'malformed', problems: checked.problems };
  }
  const monitors = monitorsOf(deps);
  const machine = await monitors.machines.find(event.topicMachineId);
  if (machine === undefined) {
    countRejection('trackPosition', 'unknown-machine');
    return { tracked: false, reason: 'unknown-machine' };
  }
  await monitors.detector.seen(machine, `fix:${machine.machineId}:${event.receivedAt}`, deps.clock.now());
  const fix = checked.message;
  const fixId = `fix:${machine.machineId}:${event.receivedAt}`;
  // Paced by when the broker received the fix, which a machine cannot forge, not by its own clock;
  // the pace is kept in the shared detector state, so every instance holds the machine to it.
  const state = deps.detectorState;
  const interval = deps.config.monitoring.fleet.positionMinIntervalMs;
  if (!(await state.claimReport(`fix|${machine.machineId}`, fixId, event.receivedAt, interval))) {
    countRejection('trackPosition', 'rate-limited');
    return { tracked: false, reason: 'rate-limited' };
  }
  const forwarded = await state.apply(`fix:${machine.machineId}`, fixId, { counters: { forwarded: 1 } });
  if (forwarded.state.values.forwarded === '1') {
    const booth = await findBooth(deps.records, machine.boothId);
    if (booth?.geofence !== undefined && !insidePolygon([fix.lon, fix.lat], booth.geofence)) {
      const finding = offGeofenceRule(
        {
          regionId: machine.regionId,
          constituencyId: machine.constituencyId,
          boothId: machine.boothId,
          machineId: machine.machineId,
        },
        machine.boothId,
        [fix.lon, fix.lat],
        new Date(fix.sampledAt).toISOString(),
      );
      await deps.publisher.publish([
        eventOf(anomalyDetected, {
          ...finding.subject,
          rule: finding.rule,
          severity: finding.severity,
          evidence: { ...finding.evidence, firstFix: true },
          detectedAt: new Date(deps.clock.now()).toISOString(),
        }),
      ]);
    }
  }
  await deps.tracker.update([
    {
      deviceId: machine.machineId,
      position: [fix.lon, fix.lat],
      sampleTime: fix.sampledAt,
      ...(fix.accuracyM === undefined ? {} : { accuracyM: fix.accuracyM }),
    },
  ]);
  return { tracked: true };
});
