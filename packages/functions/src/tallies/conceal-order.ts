import { scheduledHandler } from '../shared/events';

/** On schedule: each region rewrites the votes it stored lately in vote-id order, hiding arrival order. */
export const handler = scheduledHandler(async (app) => {
  const { primary, secondary } = app.ports.voteStores;
  const [p, s] = await Promise.allSettled([primary.concealOrder(), secondary.concealOrder()]);
  return {
    primary: p.status === 'fulfilled' ? p.value : null,
    secondary: s.status === 'fulfilled' ? s.value : null,
  };
});
