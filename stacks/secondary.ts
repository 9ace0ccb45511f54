import { blueprintEnvironment } from '@ballotstream/core';
import { buses, deadLetters } from './bus';
import { account, allTriggers, blueprint, inRegion, regions } from './context';
import { arnsIn } from './functions';
import { secondaryRegionPlan } from './lib/failover';
import { FUNCTION_SETTINGS, functionName, handlerPath } from './lib/functions';
import { machinePolicyDocument } from './lib/iot-policy';
import { statementsFor } from './lib/permissions';
import { linksOf } from './links';

const plan = secondaryRegionPlan(allTriggers);

/**
 * The schedules the secondary region runs itself (the tally: a re-run replaces a window), so
 * tallies go on from the surviving region when the primary is lost. Each is a copy of the
 * trigger's Lambda in the secondary region that publishes to the secondary bus.
 * (The secondary region's API, topic rules and Cognito pool are planned in `lib/failover.ts`,
 * not deployed yet.)
 */
export const secondarySchedules = allTriggers.flatMap((trigger) => {
  if (trigger.kind !== 'schedule' || !plan.schedules.includes(trigger.name)) return [];
  const arns = { ...arnsIn('secondary'), bus: () => buses.secondary.arn };
  const fn = new sst.aws.Function(
    `${functionName(trigger)}Secondary`,
    {
      handler: handlerPath(trigger),
      description: `${trigger.description} (secondary region)`,
      runtime: 'nodejs22.x',
      architecture: 'arm64',
      ...FUNCTION_SETTINGS[trigger.kind],
      link: linksOf(trigger, 'secondary'),
      permissions: statementsFor(trigger, arns).map((s) => ({
        actions: [...s.actions],
        resources: [...s.resources],
      })),
      environment: {
        ...blueprintEnvironment(blueprint),
        BALLOTSTREAM_STAGE: $app.stage,
        POWERTOOLS_SERVICE_NAME: 'ballotstream',
        POWERTOOLS_METRICS_NAMESPACE: `ballotstream-${$app.stage}`,
      },
    },
    inRegion('secondary'),
  );
  const schedule = new sst.aws.CronV2(
    `Schedule${trigger.name.charAt(0).toUpperCase()}${trigger.name.slice(1)}Secondary`,
    {
      function: fn.arn,
      schedule: trigger.schedule as `rate(${string})` | `cron(${string})`,
      retries: 2,
      dlq: deadLetters.secondary.arn,
    },
    inRegion('secondary'),
  );
  return [{ trigger: trigger.name, fn, schedule }];
});

/**
 * The machines' thing type, group and policy in the secondary region, the same as the primary's
 * but for the region in its ARNs, so a gateway that fails over is held to the same topics there.
 * (Machine certificates must also be registered in the secondary region's IoT Core.)
 */
export const secondaryMachineType = new aws.iot.ThingType(
  'MachineTypeSecondary',
  {
    name: `ballotstream-${$app.stage}-machine`,
    properties: { description: 'A voting machine with its booth gateway', searchableAttributes: ['boothId'] },
  },
  inRegion('secondary'),
);
export const secondaryMachineGroup = new aws.iot.ThingGroup(
  'MachinesSecondary',
  {
    name: `ballotstream-${$app.stage}-machines`,
    properties: { description: 'Every voting machine of the stage' },
  },
  inRegion('secondary'),
);
export const secondaryMachinePolicy = new aws.iot.Policy(
  'MachinePolicySecondary',
  {
    name: `ballotstream-${$app.stage}-machine`,
    policy: account.apply((id) =>
      JSON.stringify(machinePolicyDocument($app.stage, regions.secondary, id, allTriggers)),
    ),
  },
  inRegion('secondary'),
);
