import { type AlertSignal, raiseAlert } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import {
  alertRaised,
  anomalyDetected,
  defenderViolation,
  resultMismatched,
  sosRaised,
} from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { eventHandler } from '../shared/events';
import { monitorsOf } from '../shared/monitors';

async function raise(deps: Deps, signal: AlertSignal) {
  const { alert, isNew } = await raiseAlert(
    { records: deps.records, clock: deps.clock, alerting: deps.config.monitoring.alerting },
    signal,
  );
  // Only a new incident is announced; repeats count up the open alert officers already have.
  if (isNew) await deps.publisher.publish([eventOf(alertRaised, alert)]);
  return { alertId: alert.alertId, isNew, count: alert.count };
}

/** On `anomaly.detected`: raises (or counts up) the alert of its subject. */
export const fromAnomaly = eventHandler('raiseAlert.anomaly', anomalyDetected, (d, deps) =>
  raise(deps, {
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
);

/** On `defender.violation`: a fleet security alert for the machine's region. */
export const fromViolation = eventHandler('raiseAlert.violation', defenderViolation, async (d, deps) => {
  const machine = await monitorsOf(deps).machines.find(d.machineId);
  return raise(deps, {
    kind: d.behaviour,
    // Someone probing another machine's topics or cloning a machine is worth a call now.
    severity: d.behaviour === 'message-rate' || d.behaviour === 'reconnect-storm' ? 'warning' : 'critical',
    subject:
      machine === undefined
        ? { machineId: d.machineId }
        : { regionId: machine.regionId, boothId: machine.boothId, machineId: machine.machineId },
    evidence: { ...d.evidence, detectedBy: d.detectedBy, metricValue: d.metricValue, threshold: d.threshold },
    at: Date.parse(d.violationAt),
  });
});

/** On `sos.raised`: a critical alert for the booth. */
export const fromSos = eventHandler('raiseAlert.sos', sosRaised, (d, deps) =>
  raise(deps, {
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
);

/**
 * On `result.mismatched`: a machine's signed result record disagrees with the votes both regions
 * stored for it (or is not signed by its key): a critical alert for its region at once.
 */
export const fromResultMismatch = eventHandler(
  'raiseAlert.resultMismatch',
  resultMismatched,
  async (d, deps) => {
    const machine = await monitorsOf(deps).machines.find(d.machineId);
    return raise(deps, {
      kind: 'result-mismatch',
      severity: 'critical',
      subject:
        machine === undefined
          ? { machineId: d.machineId }
          : { regionId: machine.regionId, boothId: machine.boothId, machineId: machine.machineId },
      evidence: { voteCount: d.voteCount, storedVotes: d.storedVotes, problems: d.problems },
      at: Date.parse(d.checkedAt),
    });
  },
);
