import { LINKS } from '@ballotstream/functions/links';
import type { Trigger } from '@ballotstream/functions/triggers';
import { vpc as primaryVpc } from './cache';
import { allTriggers, blueprint, inRegion, keepsData, regions } from './context';
import { dataKey, dataKeySecondary } from './keys';
import type { Region, VoteStoreArns } from './lib/permissions';
import {
  auroraLinkProperties,
  needsVoteStoreVpc,
  POSTGRES_PORT,
  storesReachedAcrossRegions,
  type VoteStorePlan,
  VPC_CIDRS,
  voteStorePlans,
} from './lib/vote-stores';

const TIMESTREAM_DATABASE = `ballotstream-${$app.stage}`;
const TIMESTREAM_TABLE = 'votes';
/** The counts the tally job keeps per window, constituency and candidate (upserted by version). */
const TIMESTREAM_TALLY_TABLE = 'window_counts';

interface VoteStore {
  readonly arns: VoteStoreArns<$util.Input<string>>;
  readonly link: sst.Linkable<Record<string, unknown>>;
}

/** Each region's store, as the blueprint chose; refuses the Data API where AWS does not offer it. */
const plans = voteStorePlans(blueprint.aws.voteStore, regions);
const usesAurora = plans.primary.kind !== 'timestream';
/** Regions whose cluster a Lambda of the other region connects to directly. */
const reachedAcross = storesReachedAcrossRegions(allTriggers, plans);
if (reachedAcross.includes('primary')) {
  // The primary VPC is the cache's (stacks/cache.ts); it admits only its own range.
  throw new Error(
    'a secondary-region step reaches the primary vote store directly; peering admits only the other way',
  );
}

/** Moves an SST Vpc address (10.0.x.y) into the secondary's range, so the two VPCs can be peered. */
function secondaryRange(cidr: $util.Input<string> | undefined): $util.Output<string> {
  const prefix = VPC_CIDRS.secondary.split('.').slice(0, 2).join('.');
  return $util.output(cidr ?? '').apply((c) => c.replace(/^10\.0\./, `${prefix}.`));
}

/**
 * The VPC of each region that has an Aurora cluster: the primary's is the cache's; the
 * secondary's has its own range, a managed NAT when its Lambdas connect directly (they also
 * reach EventBridge and DynamoDB), and admits the primary's range on the PostgreSQL port when a
 * primary-region step reads its store.
 */
export const regionVpcs: Partial<Record<Region, sst.aws.Vpc>> = usesAurora
  ? {
      primary: primaryVpc,
      secondary: new sst.aws.Vpc(
        'VpcSecondary',
        {
          az: 2,
          // Its Lambdas (direct connections, and the secondary's voter cache readers) reach
          // EventBridge, DynamoDB and KMS through it.
          nat: 'managed' as const,
          transform: {
            vpc: (args) => {
              args.cidrBlock = VPC_CIDRS.secondary;
            },
            publicSubnet: (args) => {
              args.cidrBlock = secondaryRange(args.cidrBlock);
            },
            privateSubnet: (args) => {
              args.cidrBlock = secondaryRange(args.cidrBlock);
            },
            securityGroup: (args) => {
              if (!reachedAcross.includes('secondary')) return;
              args.ingress = $util.output(args.ingress ?? []).apply((rules) => [
                ...rules,
                {
                  description: 'PostgreSQL from the primary region (VPC peering)',
                  fromPort: POSTGRES_PORT,
                  toPort: POSTGRES_PORT,
                  protocol: 'tcp',
                  cidrBlocks: [VPC_CIDRS.primary],
                },
              ]);
            },
          },
        },
        inRegion('secondary'),
      ),
    }
  : {};

if (reachedAcross.length > 0) {
  const secondaryVpc = regionVpcs.secondary!;
  const peering = new aws.ec2.VpcPeeringConnection('VoteStorePeering', {
    vpcId: primaryVpc.id,
    peerVpcId: secondaryVpc.id,
    peerRegion: regions.secondary,
    tags: { Name: `ballotstream-${$app.stage}-vote-stores` },
  });
  const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
    'VoteStorePeeringAccepter',
    { vpcPeeringConnectionId: peering.id, autoAccept: true },
    inRegion('secondary'),
  );
  // Each private subnet routes the other VPC's range over the peering.
  const route = (region: Region, vpc: sst.aws.Vpc, to: string) =>
    $util
      .output(vpc.nodes.privateRouteTables)
      .apply((tables) =>
        tables.map(
          (table, i) =>
            new aws.ec2.Route(
              `VoteStorePeeringRoute${region === 'primary' ? '' : 'Secondary'}${i}`,
              { routeTableId: table.id, destinationCidrBlock: to, vpcPeeringConnectionId: peering.id },
              { ...inRegion(region), dependsOn: [accepter] },
            ),
        ),
      );
  route('primary', primaryVpc, VPC_CIDRS.secondary);
  route('secondary', secondaryVpc, VPC_CIDRS.primary);
}

/**
 * The VPC a step's Lambda must run in to reach a direct-connection vote store, if any: its own
 * region's, or `region`'s for a copy of the step in the other region.
 */
export function voteStoreVpc(
  trigger: Trigger,
  region: Region = trigger.kind === 'event' ? trigger.region : 'primary',
): sst.aws.Vpc | undefined {
  if (!needsVoteStoreVpc(trigger, plans)) return undefined;
  return regionVpcs[region];
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

function auroraStore(plan: VoteStorePlan): VoteStore {
  const { region } = plan;
  const suffix = region === 'primary' ? '' : 'Secondary';
  const vpc = regionVpcs[region];
  if (vpc === undefined) throw new Error(`no VPC for the ${region} vote store`);
  const dataApi = plan.kind === 'postgres-data-api';
  const cluster = new sst.aws.Aurora(
    `VoteStorePostgres${suffix}`,
    {
      engine: 'postgres',
      vpc,
      dataApi,
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
  // A direct connection signs in with the cluster's secret and verifies the server's
  // certificate against the Lambda runtime's Amazon CA bundle; the Data API needs neither.
  const link = new sst.Linkable(LINKS.voteStore[region], {
    properties: auroraLinkProperties(plan, {
      clusterArn: cluster.clusterArn,
      secretArn: cluster.secretArn,
      host: cluster.host,
      port: cluster.port,
      database: cluster.database,
    }),
  });
  return {
    arns: dataApi
      ? { kind: 'postgres-data-api', cluster: cluster.clusterArn, secret: cluster.secretArn }
      : { kind: 'postgres', secret: cluster.secretArn },
    link,
  };
}

const make = (plan: VoteStorePlan): VoteStore =>
  plan.kind === 'timestream' ? timestreamStore(plan.region) : auroraStore(plan);

/**
 * The vote store of each region, as the blueprint chose: Aurora PostgreSQL (the `postgres`
 * adapter, idempotent on the vote id) reached directly from Lambdas in the VPC by default, or by
 * the Data API where offered; Timestream LiveAnalytics only where the account still has it.
 */
export const voteStores: Record<Region, VoteStore> = {
  primary: make(plans.primary),
  secondary: make(plans.secondary),
};
