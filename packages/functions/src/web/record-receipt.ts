import { normaliseReceipt, voteAccepted } from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';

/** On `vote.accepted`, in batches: keeps each vote's receipt code, alone, so a citizen can check it later. */
export const handler = eventBatchHandler('recordReceipt', voteAccepted, async (items, app) => {
  const failed: string[] = [];
  await Promise.all(
    items.map(async ({ id, value: vote }) => {
      if (vote.receipt === undefined) return;
      try {
        await app.citizen.recordReceipt(vote.electionId, normaliseReceipt(vote.receipt));
      } catch {
        failed.push(id);
      }
    }),
  );
  return failed;
});
