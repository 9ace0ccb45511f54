import { sosMessageSchema } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `machines/+/sos`: the booth's staff asked for help (`App.sos`). */
export const handler = topicRuleHandler<object>('sos', async (event, app) => {
  const checked = checkPayload(sosMessageSchema, event);
  if (!checked.ok) {
    countRejection('sos', 'malformed');
    return { raised: false, reason: 'malformed', problems: checked.problems };
  }
  const done = await app.sos({
    machineId: event.topicMachineId,
    receivedAt: event.receivedAt,
    message: checked.message,
  });
  if (!done.result.raised) countRejection('sos', done.result.reason);
  return done;
});
