import { machineBlocked, machineUnblocked } from '@ballotstream/events';
import { eventHandler } from '../shared/events';

/** On `machine.blocked`: tells the machine its state as the registry holds it (`App.fleet.sendControl`). */
export const blocked = eventHandler('sendControl.blocked', machineBlocked, (detail, app) =>
  app.fleet.sendControl(detail.machineId),
);
/** On `machine.unblocked`: tells the machine. */
export const unblocked = eventHandler('sendControl.unblocked', machineUnblocked, (detail, app) =>
  app.fleet.sendControl(detail.machineId),
);
