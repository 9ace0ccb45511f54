import { machineBlocked, machineUnblocked } from '@ballotstream/events';
import type { Actor } from '../domain/fleet/audit';
import { setMachineBlocked } from '../domain/fleet/blocking';
import { type Clock, eventOf, type RecordStore } from '../ports';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

/**
 * An officer of the machine's region (or an admin) blocks or clears a machine, audited; a change
 * is announced. A machine of another region reads as absent: its existence is not the caller's.
 */
export function blockMachineUseCase(
  ports: { readonly records: RecordStore; readonly clock: Clock },
  monitors: Monitors,
) {
  return async (input: {
    machineId: string;
    blocked: boolean;
    reason: string;
    actor: Actor;
  }): Promise<Outcome<Awaited<ReturnType<typeof setMachineBlocked>>>> => {
    const result = await setMachineBlocked(ports, input);
    if (!result.ok) return outcome(result);
    const { machine, changed, at } = result.value;
    monitors.machines.forget(machine.machineId);
    if (!changed) return outcome(result);
    const { machineId, boothId, regionId } = machine;
    const by = `${input.actor.role}:${input.actor.subject}`;
    const detail = { machineId, boothId, regionId, reason: input.reason, by, at };
    return outcome(result, [
      input.blocked ? eventOf(machineBlocked, detail) : eventOf(machineUnblocked, detail),
    ]);
  };
}
