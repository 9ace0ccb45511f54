import { deadLetters } from './bus';
import { allTriggers, inRegion, regions } from './context';
import { functions } from './functions';
import { streamMappingPlans } from './lib/streams';
import { secondaryFunction } from './secondary';
import { tables } from './tables';

/**
 * A DynamoDB Streams event source mapping per stream trigger and region: the primary's Lambda on
 * the table's stream, a copy in the secondary on its replica's stream (a replica streams what is
 * replicated into it too). Filtered to the changes the step acts on; a record that fails its
 * retries goes to the region's dead letters with its shard position.
 */
export const streamMappings = streamMappingPlans(allTriggers).map((plan) => {
  const table = tables[plan.table];
  const fn = plan.region === 'primary' ? functions[plan.trigger.name]! : secondaryFunction(plan.trigger);
  const streamArn =
    plan.region === 'primary'
      ? table.streamArn
      : table.replicas.apply((replicas) => {
          const replica = replicas?.find((r) => r.regionName === regions.secondary);
          if (replica?.streamArn === undefined) {
            throw new Error(`table ${plan.table} has no stream in ${regions.secondary}`);
          }
          return replica.streamArn;
        });
  const suffix = plan.region === 'primary' ? '' : 'Secondary';
  return new aws.lambda.EventSourceMapping(
    `Stream${plan.trigger.name.charAt(0).toUpperCase()}${plan.trigger.name.slice(1)}${suffix}`,
    {
      functionName: fn.arn,
      eventSourceArn: streamArn,
      startingPosition: plan.startingPosition,
      batchSize: plan.batchSize,
      maximumBatchingWindowInSeconds: plan.maximumBatchingWindowInSeconds,
      functionResponseTypes: [...plan.functionResponseTypes],
      bisectBatchOnFunctionError: plan.bisectBatchOnFunctionError,
      maximumRetryAttempts: plan.maximumRetryAttempts,
      maximumRecordAgeInSeconds: plan.maximumRecordAgeInSeconds,
      filterCriteria: { filters: [{ pattern: plan.filterPattern }] },
      destinationConfig: { onFailure: { destinationArn: deadLetters[plan.region].arn } },
    },
    inRegion(plan.region),
  );
});
