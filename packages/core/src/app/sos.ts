import { machineBlocked, type SosMessage, sosRaised } from '@ballotstream/events';
import { setMachineBlocked } from '../domain/fleet/blocking';
import { machinesOfBooth } from '../domain/fleet/placement';
import { type Clock, eventOf, type OutgoingEvent, type RecordStore } from '../ports';
import type { FromMachine } from './from-machine';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

export type SosResult =
  | { readonly raised: true; readonly blocked: readonly string[] }
  | { readonly raised: false; readonly reason: 'unknown-machine' };

/**
 * The booth's staff asked for help: every machine of the booth is blocked at once (by the
 * platform, audited), and `sos.raised` follows so a critical alert is raised.
 */
export function sosUseCase(
  ports: { readonly records: RecordStore; readonly clock: Clock },
  monitors: Monitors,
) {
  return async ({ machineId, receivedAt, message }: FromMachine<SosMessage>): Promise<Outcome<SosResult>> => {
    const machine = await monitors.machines.find(machineId);
    if (machine === undefined) return outcome({ raised: false, reason: 'unknown-machine' });
    const reason = `SOS from booth ${machine.boothId}${message.note ? `: ${message.note}` : ''}`.slice(
      0,
      280,
    );
    const actor = { subject: 'sos', role: 'system' };
    const events: OutgoingEvent[] = [];
    const blocked: string[] = [];
    for (const id of await machinesOfBooth(ports.records, machine.boothId, machine.machineId)) {
      const change = await setMachineBlocked(ports, { machineId: id, blocked: true, reason, actor });
      if (!change.ok) continue;
      monitors.machines.forget(id);
      blocked.push(id);
      if (!change.value.changed) continue;
      const { boothId, regionId } = change.value.machine;
      events.push(
        eventOf(machineBlocked, {
          machineId: id,
          boothId,
          regionId,
          reason,
          by: 'system:sos',
          at: change.value.at,
        }),
      );
    }
    events.push(
      eventOf(sosRaised, {
        machineId: machine.machineId,
        boothId: machine.boothId,
        regionId: machine.regionId,
        ...(message.note === undefined ? {} : { note: message.note }),
        blockedMachines: blocked,
        raisedAt: new Date(receivedAt).toISOString(),
      }),
    );
    return outcome({ raised: true, blocked }, events);
  };
}
