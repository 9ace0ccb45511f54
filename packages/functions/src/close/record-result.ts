import { certifyIfReady, recordResultCheck } from '@ballotstream/core';
import { type DetailOf, resultMismatched, resultVerified } from '@ballotstream/events';
import type { App } from '../shared/deps';
import { eventHandler } from '../shared/events';

async function record(detail: DetailOf<typeof resultVerified> | DetailOf<typeof resultMismatched>, app: App) {
  const problems = 'problems' in detail ? detail.problems : [];
  const where = await recordResultCheck(app.ports.records, { ...detail, problems });
  if (where === undefined) return { recorded: false };
  const certified = await certifyIfReady(app.ports, detail.electionId, where.constituencyId);
  return { recorded: true, certified: certified !== undefined };
}

/** On `result.verified`: the machine reconciled; its constituency is certified once all have. */
export const verified = eventHandler('closeOfPoll.verified', resultVerified, record);

/** On `result.mismatched`: the machine disagrees; its constituency waits for it or an exception. */
export const mismatched = eventHandler('closeOfPoll.mismatched', resultMismatched, record);
