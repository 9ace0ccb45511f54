import { setMachineBlocked } from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { blockRequestSchema, machineBlocked, machineUnblocked } from '@ballotstream/events';
import { actorOf } from '../shared/actor';
import { httpRoute, json } from '../shared/http';
import { monitorsOf } from '../shared/monitors';

function route(blocked: boolean) {
  return httpRoute(
    { name: blocked ? 'blockMachine' : 'unblockMachine', body: blockRequestSchema },
    async (input) => {
      const { principal, deps, body } = input;
      if (principal === undefined) return json(401, { error: 'unauthorized' });
      const machineId = input.params.machineId ?? '';
      const result = await setMachineBlocked(deps, {
        machineId,
        blocked,
        reason: body.reason,
        actor: actorOf(principal),
      });
      // A machine of another region reads as absent: its existence is not the caller's to learn.
      if (!result.ok) return json(404, { error: result.error });
      const { machine, changed, at } = result.value;
      monitorsOf(deps).machines.forget(machine.machineId);
      if (changed) {
        const detail = {
          machineId: machine.machineId,
          boothId: machine.boothId,
          regionId: machine.regionId,
          reason: body.reason,
          by: `${principal.role}:${principal.subject}`,
          at,
        };
        await deps.publisher.publish([
          blocked ? eventOf(machineBlocked, detail) : eventOf(machineUnblocked, detail),
        ]);
      }
      return json(200, { machineId: machine.machineId, blocked, changed });
    },
  );
}

/** `POST /machines/{machineId}/block`: an officer of the machine's region (or an admin) blocks it. */
export const block = route(true);
/** `POST /machines/{machineId}/unblock`: an officer of the machine's region (or an admin) clears it. */
export const unblock = route(false);
