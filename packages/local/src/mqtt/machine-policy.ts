import { MACHINE_TOPIC_LEVEL, topics } from '@ballotstream/events';
import { triggers } from '@ballotstream/functions/triggers';
import { jobTopics } from '@ballotstream/gateway/ota';

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

const jobId = /^[A-Za-z0-9_-]{1,64}$/;

/** A machine's own IoT Jobs topics: asking for its next job and reporting on one (publish), hearing of them (subscribe). */
function ownJobsTopic(clientId: string, topic: string, kind: 'publish' | 'subscribe'): boolean {
  const root = `${jobTopics.root(clientId)}/`;
  if (!safeId.test(clientId) || !topic.startsWith(root)) return false;
  if (kind === 'subscribe') {
    return topic === jobTopics.notifyNext(clientId) || topic === jobTopics.startNextAccepted(clientId);
  }
  const [first, second, ...rest] = topic.slice(root.length).split('/');
  if (first === 'start-next') return second === undefined;
  return jobId.test(first ?? '') && second === 'update' && rest.length === 0;
}

/**
 * A machine publishes only on its own rule topics and subscribes only under
 * `ballotstream/<stage>/machines/<its client id>/`, like `${iot:Connection.Thing.ThingName}` in an
 * IoT policy; subscriptions hold no wildcards. It takes its own IoT Jobs as well, as
 * `stacks/lib/iot-policy.ts` grants.
 */
export function machinePolicy(stage: string): MachinePolicy {
  const own = (clientId: string, topic: string) =>
    safeId.test(clientId) && topic.startsWith(`${topics.machineRoot(stage, clientId)}/`);
  return {
    mayPublish: (clientId, topic) =>
      (own(clientId, topic) &&
        PUBLISHED_LEAVES.has(topic.slice(topics.machineRoot(stage, clientId).length + 1))) ||
      ownJobsTopic(clientId, topic, 'publish'),
    maySubscribe: (clientId, filter) =>
      (own(clientId, filter) && !/[+#]/.test(filter)) || ownJobsTopic(clientId, filter, 'subscribe'),
  };
}
