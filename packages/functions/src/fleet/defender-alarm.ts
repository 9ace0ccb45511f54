import { defenderAlarmSchema, type Violation, violationOfDefenderAlarm } from '@ballotstream/core';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { appFor, settle } from '../shared/deps';
import { withLambdaContext } from '../shared/observability';
import { snsMessages } from '../shared/sns';

/**
 * Subscribed to Device Defender Detect's SNS alert target, where the account still has Detect:
 * each in-alarm violation becomes the same `defender.violation` the fleet monitor publishes.
 * (The trigger table has no SNS kind; `stacks/` subscribes this function to the alert topic.)
 */
export const handler = middy<SNSEvent, { bridged: number; ignored: number }, Error, Context>(
  async (event: SNSEvent, context: Context) => {
    const alarms = snsMessages('defenderAlarm', defenderAlarmSchema, event);
    const violations = alarms.map(violationOfDefenderAlarm).filter((v): v is Violation => v !== undefined);
    const app = await appFor(context);
    await settle(app, await app.reportViolations(violations));
    return { bridged: violations.length, ignored: alarms.length - violations.length };
  },
).use(withLambdaContext());
