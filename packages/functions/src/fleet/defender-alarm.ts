import { defenderAlarmSchema, violationOfDefenderAlarm } from '@ballotstream/core';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { deps } from '../shared/deps';
import { describeIssues, InvalidInputError } from '../shared/errors';
import { publishViolations } from '../shared/fleet-activity';
import { countRejection, withLambdaContext } from '../shared/observability';

/**
 * Subscribed to Device Defender Detect's SNS alert target, where the account still has Detect:
 * each in-alarm violation becomes the same `defender.violation` the fleet monitor publishes.
 * (The trigger table has no SNS kind; `stacks/` subscribes this function to the alert topic.)
 */
export const handler = middy<SNSEvent, { bridged: number; ignored: number }, Error, Context>(
  async (event: SNSEvent) => {
    const d = await deps();
    let bridged = 0;
    let ignored = 0;
    for (const record of event.Records ?? []) {
      let payload: unknown;
      try {
        payload = JSON.parse(record.Sns.Message);
      } catch {
        countRejection('defenderAlarm', 'malformed');
        throw new InvalidInputError('Sns.Message', ['is not valid JSON']);
      }
      const parsed = defenderAlarmSchema.safeParse(payload);
      if (!parsed.success) {
        countRejection('defenderAlarm', 'invalid-alarm');
        throw new InvalidInputError('Sns.Message', describeIssues(parsed.error));
      }
      const violation = violationOfDefenderAlarm(parsed.data);
      if (violation === undefined) {
        ignored++;
        continue;
      }
      await publishViolations(d, [violation], 'device-defender');
      bridged++;
    }
    return { bridged, ignored };
  },
).use(withLambdaContext());
