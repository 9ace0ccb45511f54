import { LINKS } from '@ballotstream/functions/links';
import { blueprint, inRegion, keepsData, regions } from './context';
import { dataKey, dataKeySecondary } from './keys';
import type { Region, VoteStoreArns } from './lib/permissions';

const TIMESTREAM_DATABASE = `ballotstream-${$app.stage}`;
const TIMESTREAM_TABLE = 'votes';
/** The counts the tally job keeps per window, constituency and candidate (upserted by version). */
const TIMESTREAM_TALLY_TABLE = 'window_counts';

interface VoteStore {
  readonly arns: VoteStoreArns<$util.Input<string>>;
  readonly link: sst.Linkable<Record<string, unknown>>;
}

function timestreamStore(region: Region): VoteStore {
  const suffix = region === 'primary' ? '' : 'Secondary';
  const database = new aws.timestreamwrite.Database(
    `VoteDatabase${suffix}`,
    {
      databaseName: TIMESTREAM_DATABASE,
      kmsKeyId: (region === 'primary' ? dataKey : dataKeySecondary).arn,
    },
    { ...inRegion(region), retainOnDelete: keepsData },
  );
  // Both tables take writes older than the memory store keeps: votes from a booth that was
  // offline for hours, and the recount of a window such a vote re-opened.
  const tableOf = (name: string, tableName: string) =>
    new aws.timestreamwrite.Table(
      name,
      {
        databaseName: database.databaseName,
        tableName,
        retentionProperties: {
          memoryStoreRetentionPeriodInHours: 24,
          magneticStoreRetentionPeriodInDays: 3650,
        },
        magneticStoreWriteProperties: { enableMagneticStoreWrites: true },
      },
      { ...inRegion(region), retainOnDelete: keepsData },
    );
  const table = tableOf(`VoteTable${suffix}`, TIMESTREAM_TABLE);
  const tallies = tableOf(`TallyTable${suffix}`, TIMESTREAM_TALLY_TABLE);
  return {
    arns: { kind: 'timestream', table: table.arn, tallies: tallies.arn },
    link: new sst.Linkable(LINKS.voteStore[region], {
      properties: {
        kind: 'timestream',
        region: regions[region],
        database: database.databaseName,
        table: table.tableName,
        tallyTable: tallies.tableName,
      },
    }),
  };
}

function postgresStore(region: Region): VoteStore {
  const suffix = region === 'primary' ? '' : 'Secondary';
  // Each region's cluster lives in a VPC of its own region; handlers reach it by the Data API.
  const vpc = new sst.aws.Vpc(`VoteStoreVpc${suffix}`, { az: 2 }, inRegion(region));
  const cluster = new sst.aws.Aurora(
    `VoteStorePostgres${suffix}`,
    {
      engine: 'postgres',
      vpc,
      dataApi: true,
      database: 'ballotstream',
      scaling: { min: '0.5 ACU', max: '64 ACU' },
      transform: {
        cluster: (args) => {
          args.storageEncrypted = true;
          args.kmsKeyId = (region === 'primary' ? dataKey : dataKeySecondary).arn;
          args.deletionProtection = keepsData;
          args.skipFinalSnapshot = !keepsData;
        },
      },
    },
    { ...inRegion(region), retainOnDelete: keepsData },
  );
  return {
    arns: { kind: 'postgres', cluster: cluster.clusterArn, secret: cluster.secretArn },
    link: new sst.Linkable(LINKS.voteStore[region], {
      properties: {
        kind: 'postgres',
        region: regions[region],
        clusterArn: cluster.clusterArn,
        secretArn: cluster.secretArn,
        database: cluster.database,
      },
    }),
  };
}

const make = blueprint.aws.voteStore === 'timestream' ? timestreamStore : postgresStore;

/**
 * The vote store of each region, as the blueprint chose: Timestream LiveAnalytics where the
 * account has it, else Aurora PostgreSQL (the `postgres` adapter, idempotent on the vote id).
 */
export const voteStores: Record<Region, VoteStore> = {
  primary: make('primary'),
  secondary: make('secondary'),
};
