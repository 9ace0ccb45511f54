import { defaultQuotas, tables as definitions, type TableDefinition } from '@ballotstream/core';
import type { TableName } from '@ballotstream/core/ports';
import { LINKS } from '@ballotstream/functions/links';
import { blueprint, keepsData, regions } from './context';
import { dataKey, dataKeySecondary } from './keys';
import { tablePlans, warmWriteUnits } from './lib/tables';

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The DynamoDB tables of `tables.ts`, each a global table with its replica in the secondary region. */
export const tables = Object.fromEntries(
  tablePlans(definitions, blueprint.aws.witnessRegion, warmWriteUnits(blueprint)).map((plan) => {
    const { definition } = plan;
    const table = new aws.dynamodb.Table(
      `${pascal(definition.name)}Table`,
      {
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
        ...(plan.warmWriteUnitsPerSecond === undefined
          ? {}
          : {
              warmThroughput: {
                writeUnitsPerSecond: plan.warmWriteUnitsPerSecond,
                readUnitsPerSecond: defaultQuotas.dynamoWarmRcu,
              },
            }),
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
