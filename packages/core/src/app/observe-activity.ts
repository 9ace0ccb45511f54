import type { FleetActivity } from '@ballotstream/events';
import type { Violation } from '../domain/fleet/fleet-monitor';
import type { Clock } from '../ports';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';
import { violationEvents } from './report-violations';

/** Feeds one piece of broker activity to the fleet monitor and the liveness watch. */
export function observeActivityUseCase(ports: { readonly clock: Clock }, monitors: Monitors) {
  return async (activity: FleetActivity): Promise<Outcome<Violation[]>> => {
    const machine = await monitors.machines.find(activity.clientId);
    const eventId = activityId(activity);
    if (machine !== undefined) {
      // Liveness runs on the handlers' clock, which the schedule that sweeps it reads too (a
      // simulator may run it faster than the wall clock); rates below stay on the broker's time.
      const now = ports.clock.now();
      // Connects and disconnects are ordered by the broker's time, which a redelivery keeps.
      if (activity.kind === 'connected')
        await monitors.detector.connected(machine, eventId, now, activity.at);
      else if (activity.kind === 'disconnected')
        await monitors.detector.disconnected(machine, eventId, now, activity.at);
      else if (
        activity.kind === 'published' &&
        activity.topic.endsWith(`/machines/${machine.machineId}/results`)
      )
        await monitors.detector.pollClosed(machine, eventId, now);
      else await monitors.detector.seen(machine, eventId, now);
    }
    const allowed = (machine as { allowedSources?: unknown } | undefined)?.allowedSources;
    const violations = await monitors.fleet.observe(
      activity,
      eventId,
      Array.isArray(allowed) ? { allowedSources: allowed.map(String) } : {},
    );
    return outcome(violations, violationEvents(violations, 'fleet-monitor'));
  };
}

/** What names one piece of activity when it is delivered again: the client, what it did, when. */
function activityId(activity: FleetActivity): string {
  const topic =
    activity.kind === 'published' || activity.kind === 'publish-denied' ? `:${activity.topic}` : '';
  return `${activity.kind}:${activity.clientId}:${activity.at}${topic}`;
}
