import type { Clock } from '../../ports/clock';
import type { RecordStore } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import { recordKeys } from '../shared/keys';
import { findMachine, type MachineRecord } from '../shared/registry';
import { type Actor, auditAction, mayActIn } from './audit';

export interface BlockingDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
}

/** Why a block or unblock was refused; a machine of another region is not found, so it is not seen either. */
export type BlockRefusal = 'unknown-machine';

export interface BlockChange {
  readonly machine: MachineRecord;
  /** False when the machine already was in the asked state (the call is idempotent). */
  readonly changed: boolean;
  readonly at: number;
}

/**
 * Blocks or unblocks a machine: only an officer of the machine's region, an admin, or the platform
 * (SOS) may; the change is audited. Ingest refuses votes from a blocked machine, and the control
 * message tells the machine itself.
 */
export async function setMachineBlocked(
  deps: BlockingDeps,
  input: {
    readonly machineId: string;
    readonly blocked: boolean;
    readonly reason: string;
    readonly actor: Actor;
  },
): Promise<Result<BlockChange, BlockRefusal>> {
  const machine = await findMachine(deps.records, input.machineId);
  if (machine === undefined || !mayActIn(input.actor, machine.regionId)) return err('unknown-machine');
  const at = deps.clock.now();
  if (machine.blocked === input.blocked) return ok({ machine, changed: false, at });
  const fields = input.blocked
    ? { blocked: true, blockedAt: at, blockReason: input.reason, blockedBy: input.actor.subject }
    : { blocked: false, unblockedAt: at, unblockReason: input.reason, unblockedBy: input.actor.subject };
  await deps.records.update('registry', recordKeys.machine(machine.machineId), fields);
  await auditAction(
    deps,
    input.actor,
    input.blocked ? 'machine.blocked' : 'machine.unblocked',
    `machine/${machine.machineId}`,
    {
      reason: input.reason,
      boothId: machine.boothId,
      regionId: machine.regionId,
    },
  );
  return ok({ machine: { ...machine, blocked: input.blocked }, changed: true, at });
}
