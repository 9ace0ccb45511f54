import { scheduledHandler } from '../shared/events';

/** On schedule: each region rewrites the votes it stored lately in vote-id order, hiding arrival order. */
export const handler = scheduledHandler((app) => app.tallies.concealOrder());
