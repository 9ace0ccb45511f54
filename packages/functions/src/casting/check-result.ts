import { resultRecordSchema } from '@ballotstream/events';
import { checkPayload, topicRuleHandler } from '../shared/iot';
import { countRejection } from '../shared/observability';

/** IoT rule target for `machines/+/results`: checks a machine's signed result record against its stored votes. */
export const handler = topicRuleHandler('checkResultRecord', async (event, app) => {
  const checked = checkPayload(resultRecordSchema, event);
  if (!checked.ok) {
    countRejection('checkResultRecord', 'malformed');
    return { verified: false, problems: checked.problems };
  }
  const done = await app.casting.checkResult(event.topicMachineId, checked.message);
  if (!done.result.verified) countRejection('checkResultRecord', 'mismatched');
  return done;
});
