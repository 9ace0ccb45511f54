import { assertNever } from '@ballotstream/core';
import type { TableName } from '@ballotstream/core/ports';
import type { EventType, TopicDefinition } from '@ballotstream/events';
import type { Reaches } from './reaches';

/**
 * Who may call a route; checked by the API's authorizer in AWS and by the local server alike.
 * Defined with the claims in `packages/events/src/roles.ts` (`roleDefinitions` names each Cognito group).
 */
export type Role = import('@ballotstream/events').Role;

/**
 * A handler: a module under `packages/functions/src` and the export that is the Lambda entry.
 * Strings, not imports, so `stacks/` can name the entry for SST without loading handler code.
 */
export interface HandlerRef {
  /** The module's path under `packages/functions/src`, without `.ts` (`casting/ingest-vote`). */
  readonly file: string;
  readonly export: string;
  /** The module as a package specifier (`@ballotstream/functions/casting/ingest-vote`), for `import()`. */
  readonly module: string;
}

interface TriggerBase {
  readonly name: string;
  readonly description: string;
  readonly handler: HandlerRef;
  /** Every event this step may publish; its app refuses any other, locally and deployed (`declared-publisher.ts`). */
  readonly publishes: readonly EventType[];
  /** What the step touches besides publishing; stacks/ grants exactly this (see `reaches.ts`). */
  readonly reaches?: Reaches;
  /**
   * Lambda reserved concurrency (unset: unreserved). The watchers need none: their windows and
   * counters live in Redis (`DetectorState`), shared by every instance. A trigger that reads a
   * queue in batches may not go below 2 (`stacks/lib/queues.ts`).
   */
  readonly reservedConcurrency?: number;
}

/**
 * A target that reads through a queue in batches, not one invocation per message: in AWS the rule
 * (EventBridge or IoT) puts each message on an SQS queue and the function reads it with an event
 * source mapping of this batch size and batching window, reporting failed records one by one;
 * locally the bus or broker hands the target what is waiting, up to `size`, as soon as it is free.
 * For the busiest streams, where per-invocation cost would otherwise dominate.
 */
export interface QueueBatching {
  /** Most messages per invocation (SQS allows up to 10,000; above 10 needs a window of 1 s or more). */
  readonly size: number;
  /** How long AWS gathers messages before invoking (0-300 s). */
  readonly windowSeconds: number;
}

/**
 * Deliveries of a queued message before it goes to the dead-letter queue (SQS maxReceiveCount):
 * an event trigger's first attempt and its retries; a topic rule's, as the local broker retries.
 */
export const TOPIC_RULE_RETRIES = 2;

/** How many times a queued message of this trigger is received before it is dead-lettered. */
export function queueReceives(trigger: EventTrigger | TopicRuleTrigger): number {
  return (trigger.kind === 'event' ? trigger.retries : TOPIC_RULE_RETRIES) + 1;
}

export interface HttpTrigger extends TriggerBase {
  readonly kind: 'http';
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly roles: readonly Role[];
}

export interface EventTrigger extends TriggerBase {
  readonly kind: 'event';
  /** An EventBridge pattern: the same object becomes the rule in AWS and the local bus filter. */
  readonly pattern: {
    readonly source: readonly string[];
    readonly 'detail-type': readonly string[];
  } & Readonly<Record<string, unknown>>;
  /** Which region's bus runs this subscriber. */
  readonly region: 'primary' | 'secondary';
  readonly retries: number;
  /** Read the matching events through a queue in batches (see `QueueBatching`). */
  readonly batch?: QueueBatching;
}

export interface ScheduleTrigger extends TriggerBase {
  readonly kind: 'schedule';
  readonly schedule: string;
}

/** One field of a topic rule's SELECT, as the IoT SQL function that fills it. */
export type SelectField =
  | { readonly as: string; readonly fn: 'payload-base64' }
  | { readonly as: string; readonly fn: 'topic'; readonly level: number }
  | { readonly as: string; readonly fn: 'clientid' }
  | { readonly as: string; readonly fn: 'timestamp' };

export interface TopicRuleTrigger extends TriggerBase {
  readonly kind: 'topic-rule';
  readonly topic: TopicDefinition;
  readonly select: readonly SelectField[];
  /** The rule's action puts each message on a queue the handler reads in batches. */
  readonly batch?: QueueBatching;
}

/**
 * A reader of a table's change stream: in AWS a DynamoDB Streams event source mapping on the
 * table in the primary region and another on its replica in the secondary (a global table's
 * replica streams both its own writes and those replicated into it); not run locally, where
 * one store has no replicas to disagree.
 */
export interface StreamTrigger extends TriggerBase {
  readonly kind: 'stream';
  readonly table: TableName;
  /** Records per invocation and how long AWS gathers them (DynamoDB Streams: up to 10,000 and 300 s). */
  readonly batch: QueueBatching;
  /** Only these changes reach the function (a filter on the event source mapping). */
  readonly changes: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  /** Only items whose partition key starts with this reach the function. */
  readonly partitionKeyPrefix?: string;
}

export type Trigger = HttpTrigger | EventTrigger | ScheduleTrigger | TopicRuleTrigger | StreamTrigger;

/** Renders a topic rule's SELECT as IoT SQL (version 2016-03-23) for the topic filter given. */
export function topicRuleSql(select: readonly SelectField[], filter: string): string {
  const fields = select.map((field) => {
    switch (field.fn) {
      case 'payload-base64':
        return `encode(*, 'base64') AS ${field.as}`;
      case 'topic':
        return `topic(${field.level}) AS ${field.as}`;
      case 'clientid':
        return `clientid() AS ${field.as}`;
      case 'timestamp':
        return `timestamp() AS ${field.as}`;
      default:
        return assertNever(field);
    }
  });
  return `SELECT ${fields.join(', ')} FROM '${filter}'`;
}
