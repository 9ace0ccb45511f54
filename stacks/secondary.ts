import { blueprintEnvironment } from '@ballotstream/core';
import type { Trigger } from '@ballotstream/functions/triggers';
import { buses, deadLetters } from './bus';
import { account, allTriggers, blueprint, inRegion, regions } from './context';
import { arnsIn } from './functions';
import { dataKeySecondary, pseudonymKeySecondary, ticketKeySecondary } from './keys';
import { secondaryRegionPlan } from './lib/failover';
import { asyncInvokePlan, FUNCTION_SETTINGS, functionName, handlerPath } from './lib/functions';
import { machinePolicyDocument } from './lib/iot-policy';
import { needsVpc, type ResourceArns, statementsFor } from './lib/permissions';
import { linksOf } from './links';
import { voteStoreVpc } from './vote-stores';

const plan = secondaryRegionPlan(allTriggers);

/**
 * ARNs for a copy of a step in the secondary region: that region's tables, bus, replica data key
 * and replica ticket and pseudonym keys, whatever region the step's row names.
 */
function secondaryArns(): ResourceArns<$util.Input<string>> {
  return {
    ...arnsIn('secondary'),
    bus: () => buses.secondary.arn,
    dataKey: () => dataKeySecondary.arn,
    ticketKey: ticketKeySecondary.arn,
    pseudonymKey: pseudonymKeySecondary.arn,
  };
}

const copies = new Map<string, sst.aws.Function>();

/**
 * The copy of a trigger's Lambda in the secondary region (made once): the same handler, its
 * links spelled for the secondary region, IAM over the secondary's resources, publishing to the
 * secondary bus; what it fails to handle asynchronously goes to the secondary's dead letters.
 */
export function secondaryFunction(trigger: Trigger): sst.aws.Function {
  const made = copies.get(trigger.name);
  if (made !== undefined) return made;
  // The voter cache lives in the primary region only (ARCHITECTURE.md, known gaps).
  if (needsVpc(trigger)) throw new Error(`${trigger.name}: the secondary region has no voter cache yet`);
  const permissions = statementsFor(trigger, secondaryArns()).map((s) => ({
    actions: [...s.actions],
    resources: [...s.resources],
  }));
  const asynchronous = asyncInvokePlan(trigger);
  if (asynchronous !== undefined || trigger.kind === 'stream') {
    permissions.push({ actions: ['sqs:SendMessage'], resources: [deadLetters.secondary.arn] });
  }
  const fn = new sst.aws.Function(
    `${functionName(trigger)}Secondary`,
    {
      handler: handlerPath(trigger),
      description: `${trigger.description} (secondary region)`,
      runtime: 'nodejs22.x',
      architecture: 'arm64',
      ...FUNCTION_SETTINGS[trigger.kind],
      link: linksOf(trigger, 'secondary'),
      permissions,
      environment: {
        ...blueprintEnvironment(blueprint),
        BALLOTSTREAM_STAGE: $app.stage,
        POWERTOOLS_SERVICE_NAME: 'ballotstream',
        POWERTOOLS_METRICS_NAMESPACE: `ballotstream-${$app.stage}`,
      },
      // The copy's vote store may be the secondary's cluster, reached in the secondary VPC.
      ...(voteStoreVpc(trigger, 'secondary') === undefined
        ? {}
        : { vpc: voteStoreVpc(trigger, 'secondary') }),
      ...(asynchronous !== undefined
        ? {
            retries: asynchronous.retries,
            transform: {
              eventInvokeConfig: (args: aws.lambda.FunctionEventInvokeConfigArgs) => {
                args.destinationConfig = { onFailure: { destination: deadLetters.secondary.arn } };
              },
            },
          }
        : {}),
    },
    inRegion('secondary'),
  );
  copies.set(trigger.name, fn);
  return fn;
}

/**
 * The schedules the secondary region runs itself (the tally: a re-run replaces a window), so
 * tallies go on from the surviving region when the primary is lost.
 */
export const secondarySchedules = allTriggers.flatMap((trigger) => {
  if (trigger.kind !== 'schedule' || !plan.schedules.includes(trigger.name)) return [];
  const fn = secondaryFunction(trigger);
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
