import type { Outcome } from '@ballotstream/core';
import { MAX_MESSAGE_BYTES, type TopicRuleEvent, topicRuleEventSchema } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { type App, appFor, settle } from './deps';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection, withLambdaContext } from './observability';

export type PayloadCheck<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly problems: string[] };

/** Decodes and validates a topic rule's payload; problems name the field or the encoding at fault. */
export function checkPayload<T>(schema: z.ZodType<T>, event: TopicRuleEvent): PayloadCheck<T> {
  const bytes = Buffer.from(event.payload, 'base64');
  if (bytes.length > MAX_MESSAGE_BYTES)
    return { ok: false, problems: [`payload: larger than ${MAX_MESSAGE_BYTES} bytes`] };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, problems: ['payload: is not valid JSON'] };
  }
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, message: parsed.data }
    : { ok: false, problems: describeIssues(parsed.error) };
}

/**
 * Wraps a topic rule target: validates what the rule delivers, then lets the handler decide
 * about the payload (a bad payload is a refusal to report, not a crash).
 */
export function topicRuleHandler<R>(
  name: string,
  handle: (event: TopicRuleEvent, app: App) => Promise<R | Outcome<R>>,
) {
  return middy<unknown, R, Error, Context>(async (raw: unknown, context: Context) => {
    const parsed = topicRuleEventSchema.safeParse(raw);
    if (!parsed.success) {
      countRejection(name, 'invalid-rule-event');
      throw new InvalidInputError('rule event', describeIssues(parsed.error));
    }
    const app = await appFor(context);
    return settle(app, await handle(parsed.data, app));
  }).use(withLambdaContext());
}
