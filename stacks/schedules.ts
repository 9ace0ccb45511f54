import { deadLetters } from './bus';
import { allTriggers } from './context';
import { functions } from './functions';

/** Every schedule of the trigger table (tally materialisation) on EventBridge Scheduler. */
export const schedules = allTriggers.flatMap((trigger) =>
  trigger.kind === 'schedule'
    ? [
        new sst.aws.CronV2(`Schedule${trigger.name.charAt(0).toUpperCase()}${trigger.name.slice(1)}`, {
          function: functions[trigger.name]!.arn,
          schedule: trigger.schedule as `rate(${string})` | `cron(${string})`,
          retries: 2,
          dlq: deadLetters.primary.arn,
        }),
      ]
    : [],
);
