import { anomalyDetected, defenderViolation, resultMismatched, sosRaised } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `anomaly.detected`: raises (or counts up) the alert of its subject. */
export const fromAnomaly = eventHandler('raiseAlert.anomaly', anomalyDetected, (d, app) =>
  app.raiseAlert.fromAnomaly(d),
);

/** On `defender.violation`: a fleet security alert for the machine's region. */
export const fromViolation = eventHandler('raiseAlert.violation', defenderViolation, (d, app) =>
  app.raiseAlert.fromViolation(d),
);

/** On `sos.raised`: a critical alert for the booth. */
export const fromSos = eventHandler('raiseAlert.sos', sosRaised, (d, app) => app.raiseAlert.fromSos(d));

/** On `result.mismatched`: a machine's signed result record disagrees with the stored votes. */
export const fromResultMismatch = eventHandler('raiseAlert.resultMismatch', resultMismatched, (d, app) =>
  app.raiseAlert.fromResultMismatch(d),
);
