import { recordKeys } from '@ballotstream/core';
import { machineBlocked, machineUnblocked } from '@ballotstream/events';
import type { App } from '../shared/deps';
import { eventHandler } from '../shared/events';

/**
 * Sends the machine its current block state as a retained control message. It reads the state
 * from the registry instead of trusting the event, so a block and an unblock delivered out of
 * order still leave the machine in the state the registry holds.
 */
async function sendState(machineId: string, app: App) {
  const machine = await app.ports.records.get('registry', recordKeys.machine(machineId));
  if (machine === undefined) return { sent: false };
  const blocked = machine.blocked === true;
  const reason = String((blocked ? machine.blockReason : machine.unblockReason) ?? '');
  const at = Number((blocked ? machine.blockedAt : machine.unblockedAt) ?? app.ports.clock.now());
  await app.ports.machineCommands.sendControl({ machineId, blocked, reason: reason.slice(0, 280), at });
  return { sent: true, blocked };
}

/** On `machine.blocked`: tells the machine. */
export const blocked = eventHandler('sendControl.blocked', machineBlocked, (detail, app) =>
  sendState(detail.machineId, app),
);
/** On `machine.unblocked`: tells the machine. */
export const unblocked = eventHandler('sendControl.unblocked', machineUnblocked, (detail, app) =>
  sendState(detail.machineId, app),
);
