import { scheduledHandler } from '../shared/events';

/**
 * On schedule after polls close: a machine whose result record has not come raises a warning
 * after the blueprint's grace, then a critical alert, to its region's officers.
 */
export const handler = scheduledHandler((app, firedAt) => app.close.checkMissing(firedAt));
