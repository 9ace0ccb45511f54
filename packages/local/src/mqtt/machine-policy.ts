import { topics } from '@ballotstream/events';

/** What a connected machine may do on the broker, as the IoT policy with the thing name grants it. */
export interface MachinePolicy {
  readonly mayPublish: (clientId: string, topic: string) => boolean;
  readonly maySubscribe: (clientId: string, filter: string) => boolean;
}

// A client id that could widen a topic (a level separator or a wildcard) never matches a machine.
const safeId = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A machine publishes and subscribes only under `ballotstream/<stage>/machines/<its client id>/`,
 * like `${iot:Connection.Thing.ThingName}` in an IoT policy; subscriptions hold no wildcards.
 */
export function machinePolicy(stage: string): MachinePolicy {
  const own = (clientId: string, topic: string) =>
    safeId.test(clientId) && topic.startsWith(`${topics.machineRoot(stage, clientId)}/`);
  return {
    mayPublish: own,
    maySubscribe: (clientId, filter) => own(clientId, filter) && !/[+#]/.test(filter),
  };
}
