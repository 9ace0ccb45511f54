import { scheduledHandler } from '../shared/events';

/** On schedule: materialises every window that received votes since the last run (`App.materialise`). */
export const handler = scheduledHandler((app, firedAt) => app.materialise(firedAt));
