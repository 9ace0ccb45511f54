import { blueprintEnvironment } from '@ballotstream/core';
import type { TableName } from '@ballotstream/core/ports';
import { topics } from '@ballotstream/events';
import { regionOf } from '@ballotstream/functions/catalogue';
import { buses, deadLetters } from './bus';
import { vpc } from './cache';
import { account, allTriggers, blueprint, inRegion, regions } from './context';
import { externalApis } from './external-apis';
import { dataKey, dataKeySecondary, electionKey, pseudonymKey, ticketKey } from './keys';
import {
  asyncInvokePlan,
  FUNCTION_SETTINGS,
  functionEnvironment,
  functionName,
  handlerPath,
} from './lib/functions';
import { needsVpc, type Region, type ResourceArns, statementsFor } from './lib/permissions';
import { linksOf } from './links';
import { tracking } from './location';
import { notificationsTopic } from './notifications';
import { batchQueues, readInBatches } from './queues';
import { tables } from './tables';
import { userPools } from './user-pools';
import { voteStores, voteStoreVpc } from './vote-stores';

/** ARNs as the IAM generator asks for them, spelled for the region the function runs in. */
export function arnsIn(region: Region): ResourceArns<$util.Input<string>> {
  const tableArn = (name: TableName) =>
    $interpolate`arn:aws:dynamodb:${regions[region]}:${account}:table/${tables[name].name}`;
  return {
    table: tableArn,
    tableIndexes: (name) => $interpolate`${tableArn(name)}/index/*`,
    tableStream: (name) => $interpolate`${tableArn(name)}/stream/*`,
    dataKey: (r) => (r === 'primary' ? dataKey.arn : dataKeySecondary.arn),
    bus: (r) => buses[r].arn,
    voteStore: (r) => voteStores[r].arns,
    ticketKey: ticketKey.arn,
    pseudonymKey: pseudonymKey.arn,
    electionKey: electionKey.arn,
    userPool: (r) => userPools[r].arn,
    notificationsTopic: notificationsTopic.arn,
    trackers: tracking.shards.map((s) => s.tracker.trackerArn),
    geofenceCollections: tracking.shards.map((s) => s.geofences.collectionArn),
    machineCertificates: $interpolate`arn:aws:iot:${regions[region]}:${account}:cert/*`,
    machineThings: $interpolate`arn:aws:iot:${regions[region]}:${account}:thing/*`,
    machineControlTopics: $interpolate`arn:aws:iot:${regions[region]}:${account}:topic/${topics.root($app.stage)}/machines/*/control`,
    healthProbeTopics: $interpolate`arn:aws:iot:${regions[region]}:${account}:topic/${topics.root($app.stage)}/health/*`,
    batchQueue: (name) => {
      const batch = batchQueues[name];
      if (batch === undefined) throw new Error(`no batch queue for trigger ${name}`);
      return batch.queue.arn;
    },
    externalApiSecret: (api) => externalApis[api].key.arn,
  };
}

/**
 * One Lambda per trigger of the table, in the region whose bus runs it, with the links and the
 * IAM statements its `reaches` and `publishes` declare, and nothing more. Links are plain
 * `sst.Linkable`s carrying names, except the cache, whose SST link grants no IAM actions.
 */
export const functions = Object.fromEntries(
  allTriggers.map((trigger) => {
    const region = regionOf(trigger);
    const permissions = statementsFor(trigger, arnsIn(region)).map((s) => ({
      actions: [...s.actions],
      resources: [...s.resources],
    }));
    const asynchronous = asyncInvokePlan(trigger);
    if (asynchronous !== undefined || trigger.kind === 'stream') {
      // Lambda's on-failure destination for events (or stream records) that failed every retry.
      permissions.push({ actions: ['sqs:SendMessage'], resources: [deadLetters[region].arn] });
    }
    const fn = new sst.aws.Function(
      functionName(trigger),
      {
        handler: handlerPath(trigger),
        description: trigger.description,
        runtime: 'nodejs22.x',
        architecture: 'arm64',
        ...FUNCTION_SETTINGS[trigger.kind],
        link: linksOf(trigger),
        permissions,
        // The blueprint's settings, the stage deployed, and the step with the events it may publish.
        environment: functionEnvironment(trigger, blueprintEnvironment(blueprint), $app.stage),
        // The cache's VPC, or the VPC of the function's region to reach a vote store directly.
        ...(needsVpc(trigger) ? { vpc } : {}),
        ...(!needsVpc(trigger) && voteStoreVpc(trigger) !== undefined ? { vpc: voteStoreVpc(trigger) } : {}),
        ...(trigger.reservedConcurrency === undefined
          ? {}
          : { concurrency: { reserved: trigger.reservedConcurrency } }),
        // Event rules and IoT rules invoke asynchronously: what fails every retry goes to the dead letters.
        ...(asynchronous !== undefined
          ? {
              retries: asynchronous.retries,
              transform: {
                eventInvokeConfig: (args: aws.lambda.FunctionEventInvokeConfigArgs) => {
                  args.destinationConfig = { onFailure: { destination: deadLetters[region].arn } };
                },
              },
            }
          : {}),
      },
      inRegion(region),
    );
    const batch = batchQueues[trigger.name];
    if (batch !== undefined) readInBatches(batch, fn);
    return [trigger.name, fn];
  }),
) as Record<string, sst.aws.Function>;
