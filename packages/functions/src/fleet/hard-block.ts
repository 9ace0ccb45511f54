import { machineUnblocked, sosRaised, voteRejected } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `vote.rejected`: a blocked machine that keeps sending votes past the grace is hard-blocked. */
export const ignored = eventHandler('hardBlock.ignored', voteRejected, async (refusal, app) => {
  if (refusal.reason !== 'machine-blocked' || refusal.machineId === undefined) return { hardBlocked: false };
  const signal = { kind: 'vote-while-blocked', at: Date.parse(refusal.rejectedAt) } as const;
  return app.fleet.hardBlock.escalate(refusal.machineId, signal);
});

/** On `sos.raised`: a booth's second SOS before it is cleared hard-blocks its machines. */
export const sos = eventHandler('hardBlock.sos', sosRaised, async (raised, app, envelope) => {
  const signal = { kind: 'sos', eventId: envelope.id, at: Date.parse(raised.raisedAt) } as const;
  const hardBlocked: string[] = [];
  for (const machineId of raised.blockedMachines) {
    const outcome = await app.fleet.hardBlock.escalate(machineId, signal);
    if (outcome.hardBlocked) hardBlocked.push(machineId);
  }
  return { hardBlocked };
});

/** On `machine.unblocked`: a cleared machine's certificates are set active again. */
export const restored = eventHandler('hardBlock.restored', machineUnblocked, (detail, app) =>
  app.fleet.hardBlock.restore(detail.machineId),
);
