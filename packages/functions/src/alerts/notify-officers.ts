import { alertEscalated, alertRaised } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `alert.raised`: tells the region's officers (within their throttle) over SNS. */
export const raised = eventHandler('notifyOfficers.raised', alertRaised, (alert, app) =>
  app.alerts.notify(alert),
);

/** On `alert.escalated`: tells the region's officers and the national desk, unthrottled. */
export const escalated = eventHandler('notifyOfficers.escalated', alertEscalated, (alert, app) =>
  app.alerts.notifyEscalated(alert),
);
