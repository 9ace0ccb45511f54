import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { tables as definitions, type TableDefinition } from '@ballotstream/core';
import type { TableName } from '@ballotstream/core/ports';
import { LINKS } from '@ballotstream/functions/links';
import { blueprint, keepsData, regions } from './context';
import { dataKey, dataKeySecondary } from './keys';
import {
  replicationNotice,
  tablePlans,
  type WarmThroughput,
  warmThroughputNeeds,
  warmThroughputPlan,
} from './lib/tables';

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Table names are fixed per stage, so a deploy can read what the live table already has. */
function tableName(definition: TableDefinition): string {
  return `ballotstream-${$app.stage}-${definition.name}`;
}

/**
 * The warm throughput each already-deployed table has. Lowering it would make Pulumi replace the
 * table, so the plan never goes below it; a table not deployed yet has none.
 */
async function deployedWarmThroughput(): Promise<Map<string, WarmThroughput>> {
  const client = new DynamoDBClient({ region: regions.primary });
  const deployed = new Map<string, WarmThroughput>();
  for (const definition of definitions) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName(definition) }));
      const warm = Table?.WarmThroughput;
      if (warm?.ReadUnitsPerSecond !== undefined && warm.WriteUnitsPerSecond !== undefined) {
        deployed.set(definition.name, { read: warm.ReadUnitsPerSecond, write: warm.WriteUnitsPerSecond });
      }
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
  client.destroy();
  return deployed;
}

const tableRegions = {
  primary: regions.primary,
  secondary: regions.secondary,
  witness: blueprint.aws.witnessRegion,
};
// Refuses, naming the regions, a witness outside the replicas' MRSC region set.
const plans = tablePlans(definitions, tableRegions);
const warmNeeds = warmThroughputNeeds(blueprint);
const deployed = deployedWarmThroughput();
console.log(`ballotstream ${$app.stage}: ${replicationNotice(tableRegions)}`);

/** The DynamoDB tables of `tables.ts`, each a global table with its replica in the secondary region. */
export const tables = Object.fromEntries(
  plans.map((plan) => {
    const { definition } = plan;
    const table = new aws.dynamodb.Table(
      `${pascal(definition.name)}Table`,
      {
        name: tableName(definition),
        billingMode: 'PAY_PER_REQUEST',
        hashKey: definition.partitionKey,
        rangeKey: definition.sortKey,
        attributes: [
          { name: definition.partitionKey, type: 'S' },
          { name: definition.sortKey, type: 'S' },
        ],
        streamEnabled: true,
        streamViewType: 'NEW_AND_OLD_IMAGES',
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: keepsData,
        serverSideEncryption: { enabled: true, kmsKeyArn: dataKey.arn },
        replicas: [
          {
            regionName: regions.secondary,
            consistencyMode: plan.replica.consistencyMode,
            kmsKeyArn: dataKeySecondary.arn,
            pointInTimeRecovery: true,
          },
        ],
        ...(plan.witnessRegion === undefined
          ? {}
          : { globalTableWitness: { regionName: plan.witnessRegion } }),
        ...(plan.ttlAttribute === undefined
          ? {}
          : { ttl: { attributeName: plan.ttlAttribute, enabled: true } }),
        // Set only above the minimum, and never below what the live table has (that would replace it).
        // An output resolving to undefined leaves the argument unset.
        warmThroughput: $util.output(deployed).apply((live) => {
          const warm = warmThroughputPlan(warmNeeds.get(definition.name), live.get(definition.name));
          return warm === undefined
            ? undefined
            : { readUnitsPerSecond: warm.read, writeUnitsPerSecond: warm.write };
        }) as $util.Output<aws.types.input.dynamodb.TableWarmThroughput>,
      },
      { retainOnDelete: keepsData },
    );
    return [definition.name, table];
  }),
) as Record<TableName, aws.dynamodb.Table>;

/** A link per table carrying only its name; each handler's IAM comes from the trigger table. */
export const tableLinks = Object.fromEntries(
  definitions.map((d: TableDefinition) => [
    d.name,
    new sst.Linkable(LINKS.table(d.name), { properties: { name: tables[d.name].name } }),
  ]),
) as Record<TableName, sst.Linkable<{ name: $util.Output<string> }>>;
