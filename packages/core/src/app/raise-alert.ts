import {
  alertRaised,
  type anomalyDetected,
  type DetailOf,
  type defenderViolation,
  type resultMismatched,
  type sosRaised,
} from '@ballotstream/events';
import type { Config } from '../config';
import { type AlertSignal, raiseAlert } from '../domain/alerts/alerts';
import { type Clock, eventOf, type RecordStore } from '../ports';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

type AnomalyDetected = DetailOf<typeof anomalyDetected>;
type DefenderViolation = DetailOf<typeof defenderViolation>;
type SosRaised = DetailOf<typeof sosRaised>;
type ResultMismatched = DetailOf<typeof resultMismatched>;

export interface Raised {
  readonly alertId: string;
  readonly isNew: boolean;
  readonly count: number;
}

/**
 * Raises (or counts up) the alert of a signal's subject, choosing each signal's severity; only a
 * new incident is announced, repeats count up the open alert officers already have.
 */
export function raiseAlertUseCases(
  ports: { readonly records: RecordStore; readonly clock: Clock },
  config: Pick<Config, 'monitoring'>,
  monitors: Monitors,
) {
  const deps = { records: ports.records, clock: ports.clock, alerting: config.monitoring.alerting };
  const raise = async (signal: AlertSignal): Promise<Outcome<Raised>> => {
    const { alert, isNew } = await raiseAlert(deps, signal);
    return outcome(
      { alertId: alert.alertId, isNew, count: alert.count },
      isNew ? [eventOf(alertRaised, alert)] : [],
    );
  };
  // A machine's alert belongs to its region and booth when the registry knows it.
  const subjectOf = async (machineId: string) => {
    const machine = await monitors.machines.find(machineId);
    return machine === undefined
      ? { machineId }
      : { regionId: machine.regionId, boothId: machine.boothId, machineId: machine.machineId };
  };
  return {
    fromAnomaly: (d: AnomalyDetected) =>
      raise({
        kind: d.rule,
        severity: d.severity,
        subject: {
          ...(d.regionId === undefined ? {} : { regionId: d.regionId }),
          ...(d.boothId === undefined ? {} : { boothId: d.boothId }),
          ...(d.machineId === undefined ? {} : { machineId: d.machineId }),
        },
        evidence: d.evidence,
        at: Date.parse(d.detectedAt),
      }),
    fromViolation: async (d: DefenderViolation) =>
      raise({
        kind: d.behaviour,
        // Someone probing another machine's topics or cloning a machine is worth a call now.
        severity:
          d.behaviour === 'message-rate' || d.behaviour === 'reconnect-storm' ? 'warning' : 'critical',
        subject: await subjectOf(d.machineId),
        evidence: {
          ...d.evidence,
          detectedBy: d.detectedBy,
          metricValue: d.metricValue,
          threshold: d.threshold,
        },
        at: Date.parse(d.violationAt),
      }),
    fromSos: (d: SosRaised) =>
      raise({
        kind: 'sos',
        severity: 'critical',
        subject: { regionId: d.regionId, boothId: d.boothId },
        evidence: {
          machineId: d.machineId,
          blockedMachines: d.blockedMachines,
          ...(d.note === undefined ? {} : { note: d.note }),
        },
        at: Date.parse(d.raisedAt),
      }),
    // A machine's signed result record disagrees with the votes both regions stored for it.
    fromResultMismatch: async (d: ResultMismatched) =>
      raise({
        kind: 'result-mismatch',
        severity: 'critical',
        subject: await subjectOf(d.machineId),
        evidence: { voteCount: d.voteCount, storedVotes: d.storedVotes, problems: d.problems },
        at: Date.parse(d.checkedAt),
      }),
  };
}
