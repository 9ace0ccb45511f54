import type { EventBridgeEnvelope } from '@ballotstream/events';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { appFor } from '../shared/deps';
import { InvalidInputError } from '../shared/errors';
import { countRejection, withLambdaContext } from '../shared/observability';

/** On fleet, casting, result and alert events: adds a line to the machine's history for its page. */
export const handler = middy<EventBridgeEnvelope, { noted: boolean }, Error, Context>(
  async (envelope: EventBridgeEnvelope, context: Context) => {
    const app = await appFor(context);
    const { id, 'detail-type': type, detail } = envelope;
    const result = await app.recordMachineEvent({ id, type, detail });
    if (result.ok) return result.value;
    countRejection('recordMachineEvent', result.error.reason);
    throw new InvalidInputError(result.error.where, result.error.problems);
  },
).use(withLambdaContext());
