import { mapOutcome } from '@ballotstream/core';
import { blockRequestSchema } from '@ballotstream/events';
import { httpRoute, json } from '../shared/http';
import { statusOfRouteRefusal, statusOfStepRefusal } from '../shared/refusals';

function route(blocked: boolean) {
  return httpRoute(
    { name: blocked ? 'blockMachine' : 'unblockMachine', body: blockRequestSchema },
    async ({ principal, app, body, params }) => {
      if (principal === undefined)
        return json(statusOfRouteRefusal('unauthenticated'), { error: 'unauthorized' });
      const machineId = params.machineId ?? '';
      const done = await app.blockMachine({
        machineId,
        blocked,
        reason: body.reason,
        actor: principal,
      });
      return mapOutcome(done, (r) =>
        // A machine of another region reads as absent: its existence is not the caller's to learn.
        r.ok
          ? json(200, { machineId: r.value.machine.machineId, blocked, changed: r.value.changed })
          : json(statusOfStepRefusal(r.error), { error: r.error }),
      );
    },
  );
}

/** `POST /machines/{machineId}/block`: an officer of the machine's region (or an admin) blocks it. */
export const block = route(true);
/** `POST /machines/{machineId}/unblock`: an officer of the machine's region (or an admin) clears it. */
export const unblock = route(false);
