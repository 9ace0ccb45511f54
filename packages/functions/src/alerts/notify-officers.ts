import { notifyOfficers } from '@ballotstream/core';
import { alertEscalated, alertRaised } from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { eventHandler } from '../shared/events';

const notifyDeps = (deps: Deps) => ({
  records: deps.records,
  clock: deps.clock,
  notifier: deps.notifier,
  alerting: deps.config.monitoring.alerting,
});

/** On `alert.raised`: tells the region's officers (within their throttle) over SNS. */
export const raised = eventHandler('notifyOfficers.raised', alertRaised, (alert, deps) =>
  notifyOfficers(notifyDeps(deps), alert),
);

/** On `alert.escalated`: tells the region's officers and the national desk, unthrottled. */
export const escalated = eventHandler('notifyOfficers.escalated', alertEscalated, (alert, deps) =>
  notifyOfficers(notifyDeps(deps), alert, true),
);
