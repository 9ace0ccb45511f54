import { scheduledHandler } from '../shared/events';

/**
 * On schedule, in the primary region: the secondary's staff pool gets the primary's members,
 * groups and enabled state, so officers can sign in to the secondary's API when the primary is
 * lost (once the desk has enrolled them there: a pool gives out no password or TOTP secret).
 */
export const handler = scheduledHandler(async (app) => {
  const outcome = await app.syncStaffPools();
  return {
    changes: outcome.steps.length,
    notEnrolled: outcome.notEnrolled.length,
    secondaryOnly: outcome.secondaryOnly.length,
  };
});
