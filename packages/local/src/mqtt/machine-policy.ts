import { MACHINE_TOPIC_LEVEL, topics } from '@ballotstream/events';
import { triggers } from '@ballotstream/functions/triggers';

/** What a connected machine may do on the broker, as the IoT policy with the thing name grants it. */
export interface MachinePolicy {
  readonly mayPublish: (clientId: string, topic: string) => boolean;
  readonly maySubscribe: (clientId: string, filter: string) => boolean;
}

// A client id that could widen a topic (a level separator or a wildcard) never matches a machine.
const safeId = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * What follows the machine id in each topic a machine publishes on: the topics the stage's rules
 * read (votes, results, position, sos), as the IoT policy of `stacks/lib/iot-policy.ts` grants.
 * The control topic is not among them: only the cloud writes it.
 */
const PUBLISHED_LEAVES: ReadonlySet<string> = new Set(
  triggers.flatMap((t) =>
    t.kind === 'topic-rule' && t.topic.absolute !== true && t.topic.cloudOnly !== true
      ? [
          t.topic.suffix
            .split('/')
            .slice(MACHINE_TOPIC_LEVEL - 2)
            .join('/'),
        ]
      : [],
  ),
);

/**
 * A machine publishes only on its own rule topics and subscribes only under
 * `ballotstream/<stage>/machines/<its client id>/`, like `${iot:Connection.Thing.ThingName}` in an
 * IoT policy; subscriptions hold no wildcards.
 */
export function machinePolicy(stage: string): MachinePolicy {
  const own = (clientId: string, topic: string) =>
    safeId.test(clientId) && topic.startsWith(`${topics.machineRoot(stage, clientId)}/`);
  return {
    mayPublish: (clientId, topic) =>
      own(clientId, topic) &&
      PUBLISHED_LEAVES.has(topic.slice(topics.machineRoot(stage, clientId).length + 1)),
    maySubscribe: (clientId, filter) => own(clientId, filter) && !/[+#]/.test(filter),
  };
}
