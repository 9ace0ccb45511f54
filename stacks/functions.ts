import { blueprintEnvironment } from '@ballotstream/core';
import type { TableName } from '@ballotstream/core/ports';
import { topics } from '@ballotstream/events';
import type { Trigger } from '@ballotstream/functions/triggers';
import { buses, busLinks, deadLetters } from './bus';
import { cache, vpc } from './cache';
import { account, allTriggers, blueprint, inRegion, regions } from './context';
import { iotDataEndpoint } from './iot-endpoint';
import { keyLinks, pseudonymKey, ticketKey } from './keys';
import { FUNCTION_SETTINGS, functionName, handlerPath, invokedAsynchronously } from './lib/functions';
import { needsVpc, type Region, type ResourceArns, statementsFor } from './lib/permissions';
import { trackerLink, tracking } from './location';
import { notificationsLink, notificationsTopic } from './notifications';
import { batchQueues, readInBatches } from './queues';
import { tableLinks, tables } from './tables';
import { voteStores } from './vote-stores';

function regionOf(trigger: Trigger): Region {
  return trigger.kind === 'event' ? trigger.region : 'primary';
}

/** ARNs as the IAM generator asks for them, spelled for the region the function runs in. */
export function arnsIn(region: Region): ResourceArns<$util.Input<string>> {
  const tableArn = (name: TableName) =>
    $interpolate`arn:aws:dynamodb:${regions[region]}:${account}:table/${tables[name].name}`;
  return {
    table: tableArn,
    tableIndexes: (name) => $interpolate`${tableArn(name)}/index/*`,
    bus: (r) => buses[r].arn,
    voteStore: (r) => voteStores[r].arns,
    ticketKey: ticketKey.arn,
    pseudonymKey: pseudonymKey.arn,
    notificationsTopic: notificationsTopic.arn,
    tracker: tracking.tracker.trackerArn,
    geofenceCollection: tracking.geofences.collectionArn,
    machineCertificates: $interpolate`arn:aws:iot:${regions[region]}:${account}:cert/*`,
    machineControlTopics: $interpolate`arn:aws:iot:${regions[region]}:${account}:topic/${topics.root($app.stage)}/machines/*/control`,
    healthProbeTopics: $interpolate`arn:aws:iot:${regions[region]}:${account}:topic/${topics.root($app.stage)}/health/*`,
    batchQueue: (name) => {
      const batch = batchQueues[name];
      if (batch === undefined) throw new Error(`no batch queue for trigger ${name}`);
      return batch.queue.arn;
    },
  };
}

/**
 * The links of a step: names of exactly what it reaches (links carry no permissions here);
 * `busRegion` names the bus a copy of the step in another region publishes to.
 */
export function linksOf(trigger: Trigger, busRegion: Region = regionOf(trigger)): unknown[] {
  const reaches = trigger.reaches ?? {};
  const links: unknown[] = [];
  for (const name of Object.keys(reaches.tables ?? {}) as TableName[]) links.push(tableLinks[name]);
  if (trigger.publishes.length > 0) links.push(busLinks[busRegion]);
  for (const region of Object.keys(reaches.voteStores ?? {}) as Region[]) links.push(voteStores[region].link);
  if (reaches.cache) links.push(cache);
  if (reaches.ticketKeys) links.push(keyLinks.ticket);
  if (reaches.pseudonyms) links.push(keyLinks.pseudonym);
  if (reaches.notifications) links.push(notificationsLink);
  if (reaches.tracker) links.push(trackerLink);
  if (reaches.machineControl || reaches.brokerProbe) links.push(iotDataEndpoint);
  return links;
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
    const asynchronous = invokedAsynchronously(trigger);
    if (asynchronous) {
      // Lambda's on-failure destination for events that failed every retry.
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
        environment: {
          // The blueprint's settings as `loadConfig` reads them; the stage is the one deployed.
          ...blueprintEnvironment(blueprint),
          // Strongly consistent voters (a witness region) take no transactions and need no fence.
          BALLOTSTREAM_FENCED_VERIFICATION: String(blueprint.aws.witnessRegion === undefined),
          BALLOTSTREAM_STAGE: $app.stage,
          POWERTOOLS_SERVICE_NAME: 'ballotstream',
          POWERTOOLS_METRICS_NAMESPACE: `ballotstream-${$app.stage}`,
        },
        ...(needsVpc(trigger) ? { vpc } : {}),
        ...(trigger.reservedConcurrency === undefined
          ? {}
          : { concurrency: { reserved: trigger.reservedConcurrency } }),
        ...(asynchronous && trigger.kind === 'event'
          ? {
              retries: trigger.retries,
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
