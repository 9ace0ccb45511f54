import { MACHINE_TOPIC_LEVEL, type TopicDefinition, topics } from '@ballotstream/events';
import type { Trigger } from '@ballotstream/functions/triggers';
import { jobTopics } from '@ballotstream/gateway/ota';

/** The IoT policy variable that resolves to the connected machine's thing name. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, substituted by IoT Core, not by JavaScript.
export const THING_NAME = '${iot:Connection.Thing.ThingName}';

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** The topic a machine publishes for a rule's topic definition, with its own thing name in the machine level. */
export function ownTopic(stage: string, topic: TopicDefinition): string {
  const levels = `${topics.root(stage)}/${topic.suffix}`.split('/');
  if (levels[MACHINE_TOPIC_LEVEL - 1] !== '+') {
    throw new Error(`topic ${topic.suffix} has no machine id at level ${MACHINE_TOPIC_LEVEL}`);
  }
  levels[MACHINE_TOPIC_LEVEL - 1] = THING_NAME;
  if (levels.some((level) => level === '+' || level === '#')) {
    throw new Error(`topic ${topic.suffix} has a wildcard besides the machine id`);
  }
  return levels.join('/');
}

/**
 * The policy attached to every machine certificate: connect only with the client id that is its
 * own thing name (and only with a certificate attached to that thing); publish only on the
 * topics the stage's rules read, under its own id; subscribe and receive only under its own root;
 * and take its own IoT Jobs (over-the-air updates): ask for the next, hear of it, report on it.
 */
export function machinePolicyDocument(
  stage: string,
  region: string,
  account: string,
  triggers: readonly Trigger[],
): PolicyDocument {
  const arn = (kind: string, rest: string) => `arn:aws:iot:${region}:${account}:${kind}/${rest}`;
  // Rules on AWS reserved topics (`$aws/events/...`) read what IoT Core publishes, not machines.
  const publishTopics = [
    ...new Set(
      triggers.flatMap((t) =>
        t.kind === 'topic-rule' && t.topic.absolute !== true && t.topic.cloudOnly !== true
          ? [ownTopic(stage, t.topic)]
          : [],
      ),
    ),
  ];
  const ownRoot = topics.machineRoot(stage, THING_NAME);
  const jobsHeard = [jobTopics.notifyNext(THING_NAME), jobTopics.startNextAccepted(THING_NAME)];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iot:Connect'],
        Resource: [arn('client', THING_NAME)],
        Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } },
      },
      {
        Effect: 'Allow',
        Action: ['iot:Publish'],
        Resource: [...publishTopics, jobTopics.startNext(THING_NAME), jobTopics.update(THING_NAME, '*')].map(
          (t) => arn('topic', t),
        ),
      },
      {
        Effect: 'Allow',
        Action: ['iot:Subscribe'],
        Resource: [`${ownRoot}/*`, ...jobsHeard].map((t) => arn('topicfilter', t)),
      },
      {
        Effect: 'Allow',
        Action: ['iot:Receive'],
        Resource: [`${ownRoot}/*`, ...jobsHeard].map((t) => arn('topic', t)),
      },
    ],
  };
}

/** What IoT Core knows of a connection when it evaluates a policy. */
export interface ConnectionContext {
  readonly thingName: string;
  readonly certificateAttached: boolean;
}

/**
 * Evaluates a policy for one action on one resource as IoT Core does for the cases this app
 * uses: variables substituted, `*` and `?` as wildcards, an explicit deny wins, default deny.
 * A test aid: it lets the generated document be checked against example topics.
 */
export function isAllowed(
  policy: PolicyDocument,
  action: string,
  resource: string,
  connection: ConnectionContext,
): boolean {
  const substitute = (s: string) => s.split(THING_NAME).join(connection.thingName);
  const conditionHolds = (statement: PolicyStatement) => {
    const attached = statement.Condition?.Bool?.['iot:Connection.Thing.IsAttached'];
    return attached === undefined || attached === String(connection.certificateAttached);
  };
  const matching = policy.Statement.filter(
    (s) =>
      s.Action.some((a) => globMatches(a, action)) &&
      s.Resource.some((r) => globMatches(substitute(r), resource)) &&
      conditionHolds(s),
  );
  if (matching.some((s) => s.Effect === 'Deny')) return false;
  return matching.some((s) => s.Effect === 'Allow');
}

function globMatches(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(value);
}
