import {
  type DetailOf,
  type EventDefinition,
  eventBridgeEnvelopeSchema,
  type QueueBatch,
  type QueueBatchResponse,
  queueBatchSchema,
  type TopicRuleEvent,
  topicRuleEventSchema,
} from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { type App, appFor } from './deps';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection, logger, withLambdaContext } from './observability';

/** One message of a batch that passed its schema; `id` is its queue record's message id. */
export interface BatchItem<T> {
  readonly id: string;
  readonly value: T;
}

type ItemCheck<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly string[] };

/**
 * Wraps a function that reads its messages from a queue in batches (an SQS event source mapping
 * with ReportBatchItemFailures). Each record is checked on its own: one that fails its schema is
 * counted, logged with what was wrong, and handed back to the queue (so it ends in the
 * dead-letter queue, not in silence) while the rest of the batch goes on. `handle` gets the
 * valid items and returns the ids of any it could not handle; if it throws, the whole batch is
 * retried.
 */
function queueBatchHandler<T>(
  name: string,
  check: (message: unknown) => ItemCheck<T>,
  handle: (items: readonly BatchItem<T>[], app: App) => Promise<readonly string[] | undefined>,
) {
  return middy<unknown, QueueBatchResponse, Error, Context>(async (raw: unknown, context: Context) => {
    const batch = queueBatchSchema.safeParse(raw);
    if (!batch.success) {
      countRejection(name, 'invalid-batch');
      throw new InvalidInputError('queue batch', describeIssues(batch.error));
    }
    const failed: string[] = [];
    const items: BatchItem<T>[] = [];
    for (const record of (batch.data as QueueBatch).Records) {
      const checked = checkRecord(record.body, check);
      if (checked.ok) {
        items.push({ id: record.messageId, value: checked.value });
        continue;
      }
      countRejection(name, checked.reason);
      logger.warn('queue message refused', {
        handler: name,
        messageId: record.messageId,
        problems: checked.problems,
      });
      failed.push(record.messageId);
    }
    if (items.length > 0) failed.push(...((await handle(items, await appFor(context))) ?? []));
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  }).use(withLambdaContext());
}

// The most an SQS message holds; a topic rule's body carries up to 128 KB of payload as base64.
const MAX_BODY_CHARS = 256 * 1024;

function checkRecord<T>(body: string, check: (message: unknown) => ItemCheck<T>): ItemCheck<T> {
  if (body.length > MAX_BODY_CHARS) {
    const problems = [`body: longer than ${MAX_BODY_CHARS} characters`];
    return { ok: false, reason: 'invalid-message', problems };
  }
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'invalid-message', problems: ['body: is not valid JSON'] };
  }
  return check(message);
}

function parsedWith<T>(schema: z.ZodType<T>, value: unknown, reason: string, where: string): ItemCheck<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason, problems: describeIssues(parsed.error).map((p) => `${where}${p}`) };
}

/**
 * A bus subscriber that reads its events in batches: the EventBridge rule targets a queue, and
 * each record's body is the event's envelope. Every detail is parsed against the catalogue schema.
 */
export function eventBatchHandler<D extends EventDefinition>(
  name: string,
  definition: D,
  handle: (items: readonly BatchItem<DetailOf<D>>[], app: App) => Promise<readonly string[] | undefined>,
) {
  return queueBatchHandler(
    name,
    (message): ItemCheck<DetailOf<D>> => {
      const envelope = parsedWith(eventBridgeEnvelopeSchema, message, 'invalid-envelope', 'envelope.');
      if (!envelope.ok) return envelope;
      if (envelope.value['detail-type'] !== definition.type) {
        return {
          ok: false,
          reason: 'unexpected-event',
          problems: [`detail-type: expected ${definition.type}, got ${envelope.value['detail-type']}`],
        };
      }
      return parsedWith(
        definition.schema as z.ZodType<DetailOf<D>>,
        envelope.value.detail,
        'invalid-detail',
        'detail.',
      );
    },
    handle,
  );
}

/** A topic rule's target that reads in batches: the IoT rule's action puts its SELECT output on a queue. */
export function topicRuleBatchHandler(
  name: string,
  handle: (items: readonly BatchItem<TopicRuleEvent>[], app: App) => Promise<readonly string[] | undefined>,
) {
  return queueBatchHandler(
    name,
    (message) => parsedWith(topicRuleEventSchema, message, 'invalid-rule-event', ''),
    handle,
  );
}
