import {
  type CatalogueEvent,
  type EventDefinition,
  MACHINE_TOPIC_LEVEL,
  type TopicDefinition,
} from '@ballotstream/events';
import type { Reaches } from './reaches';
import type {
  EventTrigger,
  HandlerRef,
  HttpTrigger,
  QueueBatching,
  Role,
  ScheduleTrigger,
  SelectField,
  StreamTrigger,
  TopicRuleTrigger,
} from './trigger-types';

/**
 * A handler as SST names one, relative to `packages/functions/src`: `<area>/<file>.<export>`.
 * A string, so declaring a trigger never loads its handler (`stacks/` reads the table too).
 */
export type HandlerPath = `${string}/${string}.${string}`;

/** What every trigger declares, whatever starts it. */
export interface StepOptions {
  readonly name: string;
  readonly description: string;
  readonly handler: HandlerPath;
  /** The catalogue events the step may publish; none when left out. */
  readonly publishes?: readonly CatalogueEvent[];
  readonly reaches?: Reaches;
  readonly reservedConcurrency?: number;
}

/** What a subscriber may change from the usual: the primary region's bus, two retries. */
export interface SubscribeOptions extends StepOptions {
  readonly region?: EventTrigger['region'];
  readonly retries?: number;
  readonly batch?: QueueBatching;
}

/** What a topic rule may add: a batching queue, or a SELECT other than the machine-message one. */
export interface TopicRuleOptions extends StepOptions {
  readonly select?: readonly SelectField[];
  readonly batch?: QueueBatching;
}

type Method = HttpTrigger['method'];

/** A route as one string, the way API Gateway writes a route key: `POST /verifications`. */
export type RouteKey = `${Method} /${string}`;

/** The SELECT every machine-message rule uses: the raw payload and what IoT Core knows of it. */
export const machineMessageSelect: readonly SelectField[] = [
  { as: 'payload', fn: 'payload-base64' },
  { as: 'topicMachineId', fn: 'topic', level: MACHINE_TOPIC_LEVEL },
  { as: 'clientId', fn: 'clientid' },
  { as: 'receivedAt', fn: 'timestamp' },
];

const DEFAULT_REGION: EventTrigger['region'] = 'primary';
const DEFAULT_RETRIES = 2;

/** Reads `<area>/<file>.<export>` into the module and export the runtime, stacks and harness use. */
export function handlerRef(path: HandlerPath): HandlerRef {
  const dot = path.lastIndexOf('.');
  const file = path.slice(0, dot);
  return { file, export: path.slice(dot + 1), module: `@ballotstream/functions/${file}` };
}

function step(options: StepOptions) {
  return {
    name: options.name,
    description: options.description,
    handler: handlerRef(options.handler),
    publishes: (options.publishes ?? []).map((event) => event.type),
    ...(options.reaches === undefined ? {} : { reaches: options.reaches }),
    ...(options.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrency: options.reservedConcurrency }),
  };
}

/** An API route (`GET /tallies`) open to the roles given. */
export function http(
  route: RouteKey,
  options: StepOptions & { readonly roles: readonly Role[] },
): HttpTrigger {
  const space = route.indexOf(' ');
  return {
    kind: 'http',
    ...step(options),
    method: route.slice(0, space) as Method,
    path: route.slice(space + 1),
    roles: options.roles,
  };
}

/**
 * A subscriber to one or more catalogue events: the EventBridge pattern takes each event's
 * source and detail-type from its definition, so nothing is typed twice.
 */
export function subscribe(
  events: EventDefinition | readonly EventDefinition[],
  options: SubscribeOptions,
): EventTrigger {
  const definitions: readonly EventDefinition[] = Array.isArray(events)
    ? events
    : [events as EventDefinition];
  return {
    kind: 'event',
    ...step(options),
    pattern: {
      source: [...new Set(definitions.map((event) => event.source))],
      'detail-type': definitions.map((event) => event.type),
    },
    region: options.region ?? DEFAULT_REGION,
    retries: options.retries ?? DEFAULT_RETRIES,
    ...(options.batch === undefined ? {} : { batch: options.batch }),
  };
}

/** A step run on an EventBridge Scheduler expression (`rate(1 minute)`). */
export function schedule(expression: string, options: StepOptions): ScheduleTrigger {
  return { kind: 'schedule', ...step(options), schedule: expression };
}

/** An IoT rule on a machine topic; it selects the machine-message fields unless told otherwise. */
export function topicRule(topic: TopicDefinition, options: TopicRuleOptions): TopicRuleTrigger {
  return {
    kind: 'topic-rule',
    ...step(options),
    topic,
    select: options.select ?? machineMessageSelect,
    ...(options.batch === undefined ? {} : { batch: options.batch }),
  };
}

/** A reader of a table's change stream (DynamoDB Streams in AWS; nothing reads it locally). */
export function stream(
  table: StreamTrigger['table'],
  options: StepOptions & Pick<StreamTrigger, 'batch' | 'changes' | 'partitionKeyPrefix'>,
): StreamTrigger {
  return {
    kind: 'stream',
    ...step(options),
    table,
    batch: options.batch,
    changes: options.changes,
    ...(options.partitionKeyPrefix === undefined ? {} : { partitionKeyPrefix: options.partitionKeyPrefix }),
  };
}

/** Every vote passes the steps that read these: batches of 100, gathered for up to a second in AWS. */
export const voteBatches: QueueBatching = { size: 100, windowSeconds: 1 };

/** An imported registry file publishes one event per row: read them 100 at a time (10 geofences a call). */
export const registryBatches: QueueBatching = { size: 100, windowSeconds: 1 };
