import { notifyOfficers } from '@ballotstream/core';
import { alertEscalated, alertRaised } from '@ballotstream/events';
import type { App } from '../shared/deps';
import { eventHandler } from '../shared/events';

const notifyDeps = (app: App) => ({
  records: app.ports.records,
  clock: app.ports.clock,
  notifier: app.ports.notifier,
  alerting: app.config.monitoring.alerting,
});

/** On `alert.raised`: tells the region's officers (within their throttle) over SNS. */
export const raised = eventHandler('notifyOfficers.raised', alertRaised, (alert, app) =>
  notifyOfficers(notifyDeps(app), alert),
);

/** On `alert.escalated`: tells the region's officers and the national desk, unthrottled. */
export const escalated = eventHandler('notifyOfficers.escalated', alertEscalated, (alert, app) =>
  notifyOfficers(notifyDeps(app), alert, true),
);
