import {
  alertAcknowledged,
  alertEscalated,
  alertRaised,
  anomalyDetected,
  defenderViolation,
  resultMismatched,
  sosRaised,
} from '@ballotstream/events';
import { http, schedule, subscribe } from '../trigger-builders';
import type { Trigger } from '../trigger-types';

/** What runs the alerts steps, beside their handlers; `../triggers.ts` gathers every area. */
export const alertsTriggers: readonly Trigger[] = [
  subscribe(anomalyDetected, {
    name: 'raiseAlertFromAnomaly',
    description: 'An anomaly raises (or counts up) the alert of its subject.',
    handler: 'alerts/raise-alert.fromAnomaly',
    publishes: [alertRaised],
    reaches: { tables: { alerts: 'write' } },
  }),
  subscribe(defenderViolation, {
    name: 'raiseAlertFromViolation',
    description: 'A fleet security violation raises (or counts up) the alert of its machine.',
    handler: 'alerts/raise-alert.fromViolation',
    publishes: [alertRaised],
    reaches: { tables: { alerts: 'write', registry: 'read' } },
  }),
  subscribe(sosRaised, {
    name: 'raiseAlertFromSos',
    description: "A booth's SOS raises a critical alert.",
    handler: 'alerts/raise-alert.fromSos',
    publishes: [alertRaised],
    reaches: { tables: { alerts: 'write' } },
  }),
  subscribe(resultMismatched, {
    name: 'raiseAlertFromResultMismatch',
    description: "A machine's result record that disagrees with the stored votes raises a critical alert.",
    handler: 'alerts/raise-alert.fromResultMismatch',
    publishes: [alertRaised],
    reaches: { tables: { alerts: 'write', registry: 'read' } },
  }),
  subscribe(alertRaised, {
    name: 'notifyOfficersRaised',
    description: "Tells the alert region's officers over SNS (SMS and email), throttled per officer.",
    handler: 'alerts/notify-officers.raised',
    reaches: { tables: { alerts: 'write', registry: 'read' }, notifications: true },
  }),
  subscribe(alertEscalated, {
    name: 'notifyOfficersEscalated',
    description: 'Tells the region and the national desk of an alert not acknowledged in time.',
    handler: 'alerts/notify-officers.escalated',
    reaches: { tables: { alerts: 'write', registry: 'read' }, notifications: true },
  }),
  schedule('rate(1 minute)', {
    name: 'escalateAlerts',
    description: 'Escalates alerts not acknowledged within their severity deadline.',
    handler: 'alerts/escalate.handler',
    publishes: [alertEscalated],
    reaches: { tables: { alerts: 'write' } },
  }),
  http('GET /alerts', {
    name: 'getAlerts',
    description: "Alerts newest first, an officer's own region only, filtered by severity and status.",
    roles: ['officer', 'admin'],
    handler: 'alerts/get-alerts.handler',
    reaches: { tables: { alerts: 'read' } },
  }),
  http('POST /alerts/{alertId}/ack', {
    name: 'ackAlert',
    description: "An officer of the alert's region (or an admin) acknowledges it; audited.",
    roles: ['officer', 'admin'],
    handler: 'alerts/ack-alert.handler',
    publishes: [alertAcknowledged],
    reaches: { tables: { alerts: 'write', audit: 'write' } },
  }),
];
