import type { Violation } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { defenderViolation, type FleetActivity } from '@ballotstream/events';
import { deps as currentDeps, type Deps } from './deps';
import { monitorsOf } from './monitors';
import { countRejection, logger } from './observability';

/** Publishes fleet violations as `defender.violation`, from the fleet monitor or Device Defender. */
export async function publishViolations(
  deps: Deps,
  violations: readonly Violation[],
  detectedBy: 'fleet-monitor' | 'device-defender',
): Promise<void> {
  if (violations.length === 0) return;
  await deps.publisher.publish(
    violations.map((v) =>
      eventOf(defenderViolation, {
        machineId: v.machineId.slice(0, 128),
        behaviour: v.behaviour,
        detectedBy,
        metricValue: v.metricValue,
        threshold: v.threshold,
        evidence: { ...v.evidence },
        violationAt: new Date(v.at).toISOString(),
      }),
    ),
  );
}

/** Feeds one piece of broker activity to the fleet monitor and the liveness watch. */
export async function observeActivity(deps: Deps, activity: FleetActivity): Promise<Violation[]> {
  const monitors = monitorsOf(deps);
  const machine = await monitors.machines.find(activity.clientId);
  if (machine !== undefined) {
    const placement = { ...machine, machineId: machine.machineId };
    // Liveness runs on the handlers' clock, which the schedule that sweeps it reads too (a
    // simulator may run it faster than the wall clock); rates below stay on the broker's time.
    const now = deps.clock.now();
    const eventId = activityId(activity);
    // Connects and disconnects are ordered by the broker's time, which a redelivery keeps.
    if (activity.kind === 'connected')
      await monitors.detector.connected(placement, eventId, now, activity.at);
    else if (activity.kind === 'disconnected')
      await monitors.detector.disconnected(placement, eventId, now, activity.at);
    else await monitors.detector.seen(placement, eventId, now);
  }
  const allowed = (machine as { allowedSources?: unknown } | undefined)?.allowedSources;
  const violations = await monitors.fleet.observe(
    activity,
    activityId(activity),
    Array.isArray(allowed) ? { allowedSources: allowed.map(String) } : {},
  );
  await publishViolations(deps, violations, 'fleet-monitor');
  return violations;
}

/** What names one piece of activity when it is delivered again: the client, what it did, when. */
function activityId(activity: FleetActivity): string {
  const topic =
    activity.kind === 'published' || activity.kind === 'publish-denied' ? `:${activity.topic}` : '';
  return `${activity.kind}:${activity.clientId}:${activity.at}${topic}`;
}

/**
 * The local broker's `onActivity`: the same monitor the AWS presence rule feeds. It never throws
 * into the broker; a failure is logged and counted.
 */
export function observeBrokerActivity(activity: FleetActivity): void {
  void currentDeps()
    .then((deps) => observeActivity(deps, activity))
    .catch((error: unknown) => {
      countRejection('observeActivity', 'failed');
      logger.error('fleet monitor failed', { error });
    });
}
