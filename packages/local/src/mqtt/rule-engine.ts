import type { QueueBatch } from '@ballotstream/events';
import type { SelectField } from '@ballotstream/functions/triggers';
import { topicLevel, topicMatches } from './topic-filter';

interface TopicRuleBase {
  readonly name: string;
  readonly filter: string;
  readonly select: readonly SelectField[];
}

/**
 * A topic rule as the local engine runs it: a filter, a SELECT, and the handler to invoke with
 * each message's SELECT output, or, when the rule's action is a queue, with batches of them.
 */
export type LocalTopicRule =
  | (TopicRuleBase & {
      readonly batch?: undefined;
      readonly invoke: (event: Record<string, unknown>) => Promise<unknown>;
    })
  | (TopicRuleBase & {
      readonly batch: { readonly size: number; readonly concurrency: number };
      readonly invoke: (batch: QueueBatch) => Promise<unknown>;
    });

export interface IncomingMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly clientId: string;
  readonly receivedAt: number;
}

/** Builds the event a rule's SELECT produces for one message, as IoT Core's SQL functions would. */
export function selectFields(
  select: readonly SelectField[],
  message: IncomingMessage,
): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const field of select) {
    switch (field.fn) {
      case 'payload-base64':
        event[field.as] = message.payload.toString('base64');
        break;
      case 'topic':
        event[field.as] = topicLevel(message.topic, field.level);
        break;
      case 'clientid':
        event[field.as] = message.clientId;
        break;
      case 'timestamp':
        event[field.as] = message.receivedAt;
        break;
    }
  }
  return event;
}

/** The rules whose filter matches a topic. */
export function rulesFor(rules: readonly LocalTopicRule[], topic: string): LocalTopicRule[] {
  return rules.filter((rule) => topicMatches(rule.filter, topic));
}
