import { blueprintEnvironment } from '@ballotstream/core';
import { isBatchTrigger } from '@ballotstream/functions/catalogue';
import type { Trigger } from '@ballotstream/functions/triggers';
import { regionalApi } from './api';
import { buses, deadLetters } from './bus';
import { account, allTriggers, blueprint, inRegion, regions } from './context';
import { arnsIn } from './functions';
import { topicRulesIn } from './iot';
import { dataKeySecondary, pseudonymKeySecondary, ticketKeySecondary } from './keys';
import { secondaryRegionPlan } from './lib/failover';
import {
  asyncInvokePlan,
  FUNCTION_SETTINGS,
  functionEnvironment,
  functionName,
  handlerPath,
} from './lib/functions';
import { machinePolicyDocument } from './lib/iot-policy';
import { needsVpc, type ResourceArns, statementsFor } from './lib/permissions';
import { batchQueuePlans, FUNCTION_RESPONSE_TYPES, redrivePolicy } from './lib/queues';
import { linksOf } from './links';
import type { BatchQueue } from './queues';
import { secondaryVpc } from './secondary-cache';
import { voteStoreVpc } from './vote-stores';

const plan = secondaryRegionPlan(allTriggers);

/**
 * ARNs for a copy of a step in the secondary region: that region's tables, bus, replica data key
 * and replica ticket and pseudonym keys, whatever region the step's row names.
 */
function secondaryArns(): ResourceArns<$util.Input<string>> {
  return {
    ...arnsIn('secondary'),
    batchQueue: (name) => secondaryQueue(name).queue.arn,
    bus: () => buses.secondary.arn,
    dataKey: () => dataKeySecondary.arn,
    ticketKey: ticketKeySecondary.arn,
    pseudonymKey: pseudonymKeySecondary.arn,
  };
}

const queues = new Map<string, BatchQueue>();

/**
 * The secondary's queue for a batch trigger copied there (made once): the same plan as the
 * primary's, redriven to the secondary's dead letters.
 */
function secondaryQueue(name: string): BatchQueue {
  const made = queues.get(name);
  if (made !== undefined) return made;
  const plan = batchQueuePlans($app.stage, allTriggers).find((p) => p.trigger.name === name);
  if (plan === undefined) throw new Error(`no batch queue for trigger ${name}`);
  const queue = new aws.sqs.Queue(
    `Queue${pascal(name)}Secondary`,
    {
      name: plan.queueName,
      visibilityTimeoutSeconds: plan.visibilityTimeoutSeconds,
      messageRetentionSeconds: plan.messageRetentionSeconds,
      sqsManagedSseEnabled: true,
      redrivePolicy: deadLetters.secondary.arn.apply((arn) => redrivePolicy(plan, arn)),
    },
    inRegion('secondary'),
  );
  const batch = { plan, queue };
  queues.set(name, batch);
  return batch;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
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
      environment: functionEnvironment(trigger, blueprintEnvironment(blueprint), $app.stage),
      // The secondary's voter cache, or its vote store's cluster, is reached in the secondary VPC.
      ...(needsVpc(trigger) || voteStoreVpc(trigger, 'secondary') !== undefined ? { vpc: secondaryVpc } : {}),
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
  if (isBatchTrigger(trigger)) {
    new aws.lambda.EventSourceMapping(
      `Queue${pascal(trigger.name)}ReaderSecondary`,
      {
        eventSourceArn: secondaryQueue(trigger.name).queue.arn,
        functionName: fn.arn,
        batchSize: trigger.batch.size,
        maximumBatchingWindowInSeconds: trigger.batch.windowSeconds,
        functionResponseTypes: [...FUNCTION_RESPONSE_TYPES],
        enabled: true,
      },
      inRegion('secondary'),
    );
  }
  return fn;
}

/**
 * The secondary region's sign-in and HTTP API: its own user pool and clients (ARCHITECTURE.md,
 * "Regions"), every route of the table on the route's copy there, so booths verify and the
 * desk hands over while the primary is gone.
 */
export const secondaryApi = regionalApi('secondary', secondaryFunction);

/**
 * The secondary region's topic rules, the same SQL as the primary's: a gateway that fails over
 * publishes votes, SOS, positions, results and health probes there, and the copies handle them.
 */
export const secondaryTopicRules = topicRulesIn({
  region: 'secondary',
  suffix: 'Secondary',
  functionOf: secondaryFunction,
  queueOf: (name) => secondaryQueue(name).queue,
  deadLetters: deadLetters.secondary,
});

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
