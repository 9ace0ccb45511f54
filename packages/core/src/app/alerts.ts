import { type Alert, alertAcknowledged, alertEscalated } from '@ballotstream/events';
import type { Config } from '../config';
import { type AlertQuery, acknowledgeAlert, escalateOverdue, listAlerts } from '../domain/alerts/alerts';
import { notifyOfficers } from '../domain/alerts/notify';
import type { Actor } from '../domain/fleet/audit';
import { type Clock, eventOf, type Notifier, type RecordStore } from '../ports';
import { type Outcome, outcome } from './outcome';

/**
 * What officers do with alerts once raised: list them, acknowledge one, have the overdue ones
 * escalated, and be told of them within their throttle.
 */
export function alertUseCases(
  ports: { readonly records: RecordStore; readonly clock: Clock; readonly notifier: Notifier },
  config: Pick<Config, 'monitoring'>,
) {
  const deps = { records: ports.records, clock: ports.clock, alerting: config.monitoring.alerting };
  const notifyDeps = { ...deps, notifier: ports.notifier };
  return {
    /** Alerts newest first, within the caller's region (an officer sees only their own). */
    list: (actor: Actor, query: AlertQuery) => listAlerts(ports.records, actor, query),
    /** The caller acknowledges an alert of their region; only the first acknowledgement is announced. */
    async acknowledge(alertId: string, actor: Actor) {
      const result = await acknowledgeAlert(deps, alertId, actor);
      if (!result.ok || !result.value.changed) return outcome(result);
      const { alert } = result.value;
      const acknowledged = eventOf(alertAcknowledged, {
        alertId: alert.alertId,
        region: alert.region,
        by: `${actor.role}:${actor.subject}`,
        at: new Date(alert.acknowledgedAt ?? ports.clock.now()).toISOString(),
      });
      return outcome(result, [acknowledged]);
    },
    /** Escalates the alerts not acknowledged by their deadline at `now`, announcing each. */
    async escalate(now: number): Promise<Outcome<{ escalated: number }>> {
      const escalated = await escalateOverdue(deps, now);
      return outcome(
        { escalated: escalated.length },
        escalated.map((a) => eventOf(alertEscalated, a)),
      );
    },
    /** Tells the alert region's officers, each within their throttle. */
    notify: (alert: Alert) => notifyOfficers(notifyDeps, alert),
    /** Tells the region's officers and the national desk of an escalated alert, unthrottled. */
    notifyEscalated: (alert: Alert) => notifyOfficers(notifyDeps, alert, true),
  };
}
