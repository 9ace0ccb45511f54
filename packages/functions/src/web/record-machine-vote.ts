import { recordMachineVote } from '@ballotstream/core';
import { voteAccepted } from '@ballotstream/events';
import { eventBatchHandler } from '../shared/batch';

/** On `vote.accepted`, in batches: notes when each machine last voted (to its time bucket), for its map state. */
export const handler = eventBatchHandler('recordMachineVote', voteAccepted, async (items, app) => {
  // One write per machine per batch: only the latest bucket matters.
  const latest = new Map<string, { until: number; ids: string[] }>();
  for (const { id, value: vote } of items) {
    const until = vote.bucketStart + app.config.bucketMs;
    const seen = latest.get(vote.machineId);
    if (seen === undefined) latest.set(vote.machineId, { until, ids: [id] });
    else {
      seen.until = Math.max(seen.until, until);
      seen.ids.push(id);
    }
  }
  const failed: string[] = [];
  await Promise.all(
    [...latest].map(async ([machineId, { until, ids }]) => {
      try {
        await recordMachineVote(app.ports.records, machineId, until);
      } catch {
        failed.push(...ids);
      }
    }),
  );
  return failed;
});
