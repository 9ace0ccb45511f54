import type { Trigger } from '@ballotstream/functions/triggers';
import type { Region } from './permissions';

/** The vote store a blueprint chooses (`aws.voteStore`); `postgres` is the default. */
export type VoteStoreChoice = 'postgres' | 'postgres-data-api' | 'timestream';

/**
 * Regions where the RDS Data API is not offered for Aurora PostgreSQL (AWS Aurora user guide,
 * "Supported Regions and Aurora DB engines for RDS Data API", checked 2026-12-03: Asia Pacific
 * (Hyderabad), (Melbourne) and (New Zealand) read "Not available").
 */
export const DATA_API_UNAVAILABLE_REGIONS: readonly string[] = [
  'ap-south-2',
  'ap-southeast-4',
  'ap-southeast-6',
];

/**
 * The Amazon root CAs (RDS among them) as the Lambda Node.js 20+ runtimes ship them; those
 * runtimes no longer load the file by default, so the pg client reads it for the database alone.
 */
export const LAMBDA_CA_BUNDLE = '/var/runtime/ca-cert.pem';

/**
 * The VPC address range of each region. The primary's is SST's Vpc default (the cache's VPC);
 * the secondary's differs so the two can be peered.
 */
export const VPC_CIDRS: Record<Region, string> = { primary: '10.0.0.0/16', secondary: '10.1.0.0/16' };

/** PostgreSQL's port, opened between the peered VPCs and nothing else. */
export const POSTGRES_PORT = 5432;

/** How one region's votes are stored and reached. */
export interface VoteStorePlan {
  readonly region: Region;
  readonly regionName: string;
  /**
   * `postgres`: Aurora PostgreSQL Serverless v2 reached by a direct `pg` connection from Lambdas
   * in the VPC, credentials from the cluster's secret; `postgres-data-api`: the same cluster
   * reached by the RDS Data API (no VPC); `timestream`: Timestream LiveAnalytics.
   */
  readonly kind: VoteStoreChoice;
}

/**
 * The vote store of each region. Aurora PostgreSQL over a direct connection is the default: it
 * is the one a new account can create, and reach, in every region the blueprints name (Timestream
 * LiveAnalytics is closed to new accounts; the Data API is missing in ap-south-2). Refuses, naming
 * the region, a Data API store where AWS does not offer the Data API.
 */
export function voteStorePlans(
  choice: VoteStoreChoice,
  regions: Readonly<Record<Region, string>>,
): Record<Region, VoteStorePlan> {
  const plan = (region: Region): VoteStorePlan => {
    const regionName = regions[region];
    if (choice === 'postgres-data-api' && DATA_API_UNAVAILABLE_REGIONS.includes(regionName)) {
      throw new Error(
        `aws.voteStore: the RDS Data API is not offered in ${regionName} (${region}); use voteStore "postgres" (a direct connection from Lambdas in the VPC) or another region`,
      );
    }
    return { region, regionName, kind: choice };
  };
  return { primary: plan('primary'), secondary: plan('secondary') };
}

export { type VoteStoreArns, voteStoreStatements } from '@ballotstream/functions/catalogue';

/** The region a trigger's Lambda runs in. */
function regionOf(trigger: Trigger): Region {
  return trigger.kind === 'event' ? trigger.region : 'primary';
}

/** The regions whose vote store a trigger reaches. */
function storesReached(trigger: Trigger): Region[] {
  return Object.keys(trigger.reaches?.voteStores ?? {}) as Region[];
}

/** Whether a step's Lambda must run in its region's VPC to reach a direct-connection vote store. */
export function needsVoteStoreVpc(trigger: Trigger, plans: Readonly<Record<Region, VoteStorePlan>>): boolean {
  return storesReached(trigger).some((region) => plans[region].kind === 'postgres');
}

/**
 * The regions whose direct-connection store a step of the other region reaches (the tally job
 * and the result check, in the primary, read both stores): those regions' VPCs must admit the
 * other VPC's range on the PostgreSQL port, over a peering of the two VPCs.
 */
export function storesReachedAcrossRegions(
  triggers: readonly Trigger[],
  plans: Readonly<Record<Region, VoteStorePlan>>,
): Region[] {
  const reached = new Set<Region>();
  for (const trigger of triggers) {
    for (const region of storesReached(trigger)) {
      if (region !== regionOf(trigger) && plans[region].kind === 'postgres') reached.add(region);
    }
  }
  return [...reached].sort();
}

/** Whether the two regions' VPCs must be peered (see `storesReachedAcrossRegions`). */
export function needsVpcPeering(
  triggers: readonly Trigger[],
  plans: Readonly<Record<Region, VoteStorePlan>>,
): boolean {
  return storesReachedAcrossRegions(triggers, plans).length > 0;
}

/** What stacks/ knows of a region's Aurora cluster; strings in tests, Pulumi outputs in stacks. */
export interface AuroraCluster<R, P = number> {
  readonly clusterArn: R;
  readonly secretArn: R;
  readonly host: R;
  readonly port: P;
  readonly database: R;
}

/**
 * The properties of an Aurora vote store's link, in the shape `openVoteStore` (the Lambda side)
 * parses: a direct connection (host, port, database, the secret to sign in with, the CA bundle to
 * verify the server with), or the Data API (cluster, secret, database).
 */
export function auroraLinkProperties<R, P>(plan: VoteStorePlan, cluster: AuroraCluster<R, P>) {
  if (plan.kind === 'postgres-data-api') {
    return {
      kind: plan.kind,
      region: plan.regionName,
      clusterArn: cluster.clusterArn,
      secretArn: cluster.secretArn,
      database: cluster.database,
    };
  }
  if (plan.kind !== 'postgres') throw new Error(`the ${plan.region} vote store is not Aurora`);
  return {
    kind: plan.kind,
    region: plan.regionName,
    host: cluster.host,
    port: cluster.port,
    database: cluster.database,
    secretArn: cluster.secretArn,
    tls: { caFile: LAMBDA_CA_BUNDLE },
  };
}
