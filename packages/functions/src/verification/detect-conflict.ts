import { tableStreamHandler } from '../shared/stream';

/**
 * On a change of the voters table seen in a region's replica stream: a voter's vote replaced by
 * another region's vote for the same voter (global tables keep the last writer) is a double the
 * fence should have prevented, so the national desk gets a critical alert naming both writers.
 */
export const handler = tableStreamHandler('detectVerificationConflict', async (changes, app) => {
  await app.verificationConflicts(changes);
  return [];
});
