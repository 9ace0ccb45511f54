import { scheduledHandler } from '../shared/events';

/** On schedule: alerts not acknowledged in time are escalated to the national desk. */
export const handler = scheduledHandler((app, firedAt) => app.alerts.escalate(firedAt));
