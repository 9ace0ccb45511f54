import { type DeclaredStep, stepEnvironment } from '@ballotstream/functions/step-environment';
import { TOPIC_RULE_RETRIES, type Trigger } from '@ballotstream/functions/triggers';

/** Where handlers live, relative to the repository root (SST resolves handlers from there). */
export const FUNCTIONS_DIR = 'packages/functions/src';

/** The handler string SST takes: `<path>.<export>`. */
export function handlerPath(trigger: Trigger): string {
  return `${FUNCTIONS_DIR}/${trigger.handler.file}.${trigger.handler.export}`;
}

/** The entry module of a handler, for bundling. */
export function handlerModule(trigger: Trigger): string {
  return `${FUNCTIONS_DIR}/${trigger.handler.file}.ts`;
}

/** Lambda's limit on the size of a function's environment variables, names and values together. */
export const LAMBDA_ENVIRONMENT_BYTES = 4096;

/**
 * The environment of every Lambda that runs a step (a trigger of the table, an SNS subscriber, a
 * fleet signal step), in either region: the blueprint's settings as `loadConfig` reads them
 * (`blueprintEnvironment`), the stage deployed, Powertools' names, and the step with the events
 * it declares, so its app refuses any other (`stepEnvironment`).
 */
export function functionEnvironment(
  step: DeclaredStep,
  settings: Readonly<Record<string, string>>,
  stage: string,
): Record<string, string> {
  return {
    ...settings,
    BALLOTSTREAM_STAGE: stage,
    POWERTOOLS_SERVICE_NAME: 'ballotstream',
    POWERTOOLS_METRICS_NAMESPACE: `ballotstream-${stage}`,
    ...stepEnvironment(step),
  };
}

/** The bytes an environment takes against Lambda's limit (each name and value, UTF-8). */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
  return Object.entries(environment).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value),
    0,
  );
}

/** A CloudFormation-safe logical name for a trigger's Lambda: `Fn` + its name in PascalCase. */
export function functionName(trigger: Trigger): string {
  return `Fn${trigger.name.charAt(0).toUpperCase()}${trigger.name.slice(1).replace(/[^A-Za-z0-9]/g, '')}`;
}

/** The AWS resource that starts each kind of trigger; the mapping test holds every trigger to one. */
export const TRIGGER_RESOURCE = {
  http: 'API Gateway HTTP API route',
  event:
    'EventBridge rule with a Lambda target (or, for a batch trigger, an SQS queue the Lambda reads), retry policy and dead-letter queue',
  schedule: 'EventBridge Scheduler schedule (sst.aws.CronV2)',
  stream:
    'DynamoDB Streams event source mapping on the table and on its replica in the secondary region, filtered, with an on-failure destination',
  'topic-rule':
    'IoT topic rule with a Lambda action (or, for a batch trigger, an SQS action onto a queue the Lambda reads) and an error action',
} as const satisfies Record<Trigger['kind'], string>;

/** Lambda settings per kind of trigger: API calls wait for an answer, so they are short. */
export const FUNCTION_SETTINGS: Record<
  Trigger['kind'],
  { timeout: `${number} seconds`; memory: `${number} MB` }
> = {
  http: { timeout: '10 seconds', memory: '1024 MB' },
  'topic-rule': { timeout: '10 seconds', memory: '1024 MB' },
  event: { timeout: '30 seconds', memory: '1024 MB' },
  schedule: { timeout: '300 seconds', memory: '2048 MB' },
  stream: { timeout: '60 seconds', memory: '1024 MB' },
};

/** A kind's Lambda timeout in seconds, as `FUNCTION_SETTINGS` spells it. */
export function timeoutSeconds(kind: Trigger['kind']): number {
  return Number.parseInt(FUNCTION_SETTINGS[kind].timeout, 10);
}

/**
 * Whether a trigger's Lambda is invoked asynchronously, so that Lambda's async retries and
 * on-failure destination apply: event triggers and topic-rule triggers without a batch (both
 * EventBridge and IoT Core invoke a Lambda target asynchronously). A batch trigger's Lambda is
 * invoked by its queue's event source mapping, where the queue's redrive policy does that work.
 */
export function invokedAsynchronously(trigger: Trigger): boolean {
  return (trigger.kind === 'event' || trigger.kind === 'topic-rule') && trigger.batch === undefined;
}

/** Lambda's handling of an asynchronous invocation that failed: retries, then the region's dead letters. */
export interface AsyncInvokePlan {
  /** Lambda async retries (0-2): an event trigger's own, a topic rule's as the local broker retries. */
  readonly retries: number;
  /** The on-failure destination: the dead-letter queue of the function's region. */
  readonly onFailure: 'dead-letters';
}

/** How Lambda retries and where it sends what failed, for an asynchronously invoked trigger; else `undefined`. */
export function asyncInvokePlan(trigger: Trigger): AsyncInvokePlan | undefined {
  if (!invokedAsynchronously(trigger)) return undefined;
  const retries = trigger.kind === 'event' ? trigger.retries : TOPIC_RULE_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > 2) {
    throw new Error(`trigger ${trigger.name}: Lambda allows 0 to 2 async retries, not ${retries}`);
  }
  return { retries, onFailure: 'dead-letters' };
}
