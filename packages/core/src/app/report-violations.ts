import { defenderViolation } from '@ballotstream/events';
import type { Violation } from '../domain/fleet/fleet-monitor';
import { eventOf, type OutgoingEvent } from '../ports';
import { type Outcome, outcome } from './outcome';

/** Fleet violations as `defender.violation` events, from the fleet monitor or Device Defender. */
export function violationEvents(
  violations: readonly Violation[],
  detectedBy: 'fleet-monitor' | 'device-defender',
): OutgoingEvent[] {
  return violations.map((v) =>
    eventOf(defenderViolation, {
      machineId: v.machineId.slice(0, 128),
      behaviour: v.behaviour,
      detectedBy,
      metricValue: v.metricValue,
      threshold: v.threshold,
      evidence: { ...v.evidence },
      violationAt: new Date(v.at).toISOString(),
    }),
  );
}

/** Device Defender's violations (its SNS alarms), announced as the fleet monitor's are. */
export function reportViolationsUseCase() {
  return async (violations: readonly Violation[]): Promise<Outcome<number>> =>
    outcome(violations.length, violationEvents(violations, 'device-defender'));
}
