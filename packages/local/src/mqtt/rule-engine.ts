import type { SelectField } from '@ballotstream/functions/triggers';
import { topicLevel, topicMatches } from './topic-filter';

/** A topic rule as the local engine runs it: a filter, a SELECT, and the handler to invoke. */
export interface LocalTopicRule {
  readonly name: string;
  readonly filter: string;
  readonly select: readonly SelectField[];
  readonly invoke: (event: Record<string, unknown>) => Promise<unknown>;
}

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
