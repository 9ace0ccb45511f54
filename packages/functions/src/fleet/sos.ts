import { machinesOfBooth, setMachineBlocked } from '@ballotstream/core';
import { eventOf, type OutgoingEvent } from '@ballotstream/core/ports';
import { machineBlocked, sosMessageSchema, sosRaised } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { monitorsOf } from '../shared/monitors';
import { countRejection } from '../shared/observability';

/**
 * IoT rule target for `machines/+/sos`: the booth's staff asked for help. Every machine of the
 * booth is blocked at once (by the platform, audited), and a critical alert follows.
 */
export const handler = topicRuleHandler('sos', async (event, deps) => {
  const checked = checkPayload(sosMessageSchema, event);
  if (!checked.ok) {
    countRejection('sos', 'malformed');
    return { raised: false, reason: 'malformed', problems: checked.problems };
  }
  const monitors = monitorsOf(deps);
  const machine = await monitors.machines.find(event.topicMachineId);
  if (machine === undefined) {
    countRejection('sos', 'unknown-machine');
    return { raised: false, reason: 'unknown-machine' };
  }
  const reason =
    `SOS from booth ${machine.boothId}${checked.message.note ? `: ${checked.message.note}` : ''}`.slice(
      0,
      280,
    );
  const actor = { subject: 'sos', role: 'system' };
  const events: OutgoingEvent[] = [];
  const blocked: string[] = [];
  for (const machineId of await machinesOfBooth(deps.records, machine.boothId, machine.machineId)) {
    const change = await setMachineBlocked(deps, { machineId, blocked: true, reason, actor });
    if (!change.ok) continue;
    monitors.machines.forget(machineId);
    blocked.push(machineId);
    if (change.value.changed)
      events.push(
        eventOf(machineBlocked, {
          machineId,
          boothId: change.value.machine.boothId,
          regionId: change.value.machine.regionId,
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
      ...(checked.message.note === undefined ? {} : { note: checked.message.note }),
      blockedMachines: blocked,
      raisedAt: new Date(event.receivedAt).toISOString(),
    }),
  );
  await deps.publisher.publish(events);
  return { raised: true, blocked };
});
