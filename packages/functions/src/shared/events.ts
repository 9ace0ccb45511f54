import type { DetailOf, EventBridgeEnvelope, EventDefinition } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type Deps, deps } from './deps';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection, withLambdaContext } from './observability';

/**
 * Wraps a bus subscriber: checks the envelope names the expected event and parses its detail
 * against the catalogue schema before the handler sees it.
 */
export function eventHandler<D extends EventDefinition, R>(
  name: string,
  definition: D,
  handle: (detail: DetailOf<D>, deps: Deps, envelope: EventBridgeEnvelope) => Promise<R>,
) {
  return middy<EventBridgeEnvelope, R, Error, Context>(async (envelope: EventBridgeEnvelope) => {
    if (envelope['detail-type'] !== definition.type) {
      countRejection(name, 'unexpected-event');
      throw new InvalidInputError('detail-type', [
        `expected ${definition.type}, got ${envelope['detail-type']}`,
      ]);
    }
    const parsed = definition.schema.safeParse(envelope.detail);
    if (!parsed.success) {
      countRejection(name, 'invalid-detail');
      throw new InvalidInputError('detail', describeIssues(parsed.error));
    }
    return handle(parsed.data as DetailOf<D>, await deps(), envelope);
  }).use(withLambdaContext());
}

/** Wraps a scheduled handler (EventBridge Scheduler delivers no payload the handler needs). */
export function scheduledHandler<R>(handle: (deps: Deps, firedAt: number) => Promise<R>) {
  return middy<unknown, R, Error, Context>(async () => {
    const d = await deps();
    return handle(d, d.clock.now());
  }).use(withLambdaContext());
}
