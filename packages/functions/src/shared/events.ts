import type { Outcome } from '@ballotstream/core';
import type { DetailOf, EventBridgeEnvelope, EventDefinition } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type App, appFor, settle } from './deps';
import { describeIssues, InvalidInputError } from './errors';
import { countRejection, withLambdaContext } from './observability';

/**
 * Wraps a bus subscriber: checks the envelope names the expected event and parses its detail
 * against the catalogue schema before the handler sees it.
 */
export function eventHandler<D extends EventDefinition, R>(
  name: string,
  definition: D,
  handle: (detail: DetailOf<D>, app: App, envelope: EventBridgeEnvelope) => Promise<R | Outcome<R>>,
) {
  return middy<EventBridgeEnvelope, R, Error, Context>(
    async (envelope: EventBridgeEnvelope, context: Context) => {
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
      const app = await appFor(context);
      return settle(app, await handle(parsed.data as DetailOf<D>, app, envelope));
    },
  ).use(withLambdaContext());
}

/** Wraps a scheduled handler (EventBridge Scheduler delivers no payload the handler needs). */
export function scheduledHandler<R>(handle: (app: App, firedAt: number) => Promise<R | Outcome<R>>) {
  return middy<unknown, R, Error, Context>(async (_event: unknown, context: Context) => {
    const app = await appFor(context);
    return settle(app, await handle(app, app.ports.clock.now()));
  }).use(withLambdaContext());
}
