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
  const table = new aws.timestreamwrite.Table(
    `VoteTable${suffix}`,
    {
      databaseName: database.databaseName,
      tableName: TIMESTREAM_TABLE,
      retentionProperties: {
        memoryStoreRetentionPeriodInHours: 24,
        magneticStoreRetentionPeriodInDays: 3650,
      },
      // Votes from a booth that was offline for hours arrive older than the memory store keeps.
      magneticStoreWriteProperties: { enableMagneticStoreWrites: true },
    },
    { ...inRegion(region), retainOnDelete: keepsData },
  );
  const tallies = new aws.timestreamwrite.Table(
    `TallyTable${suffix}`,
    {
      databaseName: database.databaseName,
      tableName: TIMESTREAM_TALLY_TABLE,
      retentionProperties: {
        memoryStoreRetentionPeriodInHours: 24,
        magneticStoreRetentionPeriodInDays: 3650,
      },
      // A late vote re-opens a window older than the memory store keeps; its recount is rewritten.
      magneticStoreWriteProperties: { enableMagneticStoreWrites: true },
    },
    { ...inRegion(region), retainOnDelete: keepsData },
  );
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
