import { positionMessageSchema } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `machines/+/position`: a machine's GPS fix (`App.trackPosition`). */
export const handler = topicRuleHandler<object>('trackPosition', async (event, app) => {
  const checked = checkPayload(positionMessageSchema, event);
  if (!checked.ok) {
    countRejection('trackPosition', 'malformed');
    return { tracked: false, reason: 'malformed', problems: checked.problems };
  }
  const fix = { machineId: event.topicMachineId, receivedAt: event.receivedAt, message: checked.message };
  const done = await app.trackPosition(fix);
  if (!done.result.tracked) countRejection('trackPosition', done.result.reason);
  return done;
});
