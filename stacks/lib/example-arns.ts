import { type LocationShard, locationResourceNames, planLocationShards, tables } from '@ballotstream/core';
import { LINKS } from '@ballotstream/functions/links';
import type { ResourceArns, VoteStoreArns } from './permissions';

/**
 * The example election's location plan: two states, the first needing three collections at the
 * planned fill, so a step's link and grants name several shards and a booth's is not the first.
 */
export const exampleLocationShards = planLocationShards({
  booths: 110_000,
  boothsByRegion: { 'region-1': 100_000, 'region-2': 10_000 },
});
const exampleLocationNames = exampleLocationShards.map((s) => ({
  shard: s,
  ...locationResourceNames('test', s),
}));

/** Example ARNs in a made-up account, for tests of the generators (no AWS needed). */
export function exampleArns(
  voteStore: 'timestream' | 'postgres' | 'postgres-data-api',
  region = 'ap-south-1',
): ResourceArns<string> {
  const account = '123456789012';
  const regionName = { primary: 'ap-south-1', secondary: 'ap-south-2' } as const;
  const store = (r: 'primary' | 'secondary'): VoteStoreArns<string> => {
    const secret = `arn:aws:secretsmanager:${regionName[r]}:${account}:secret:bs-votes-${r}-AbCdEf`;
    switch (voteStore) {
      case 'timestream':
        return {
          kind: 'timestream',
          table: `arn:aws:timestream:${regionName[r]}:${account}:database/bs/table/votes`,
          tallies: `arn:aws:timestream:${regionName[r]}:${account}:database/bs/table/window_counts`,
        };
      case 'postgres':
        return { kind: 'postgres', secret };
      case 'postgres-data-api':
        return {
          kind: 'postgres-data-api',
          cluster: `arn:aws:rds:${regionName[r]}:${account}:cluster:bs-votes-${r}`,
          secret,
        };
    }
  };
  return {
    table: (name) => `arn:aws:dynamodb:${region}:${account}:table/ballotstream-test-${name}`,
    tableIndexes: (name) => `arn:aws:dynamodb:${region}:${account}:table/ballotstream-test-${name}/index/*`,
    tableStream: (name) => `arn:aws:dynamodb:${region}:${account}:table/ballotstream-test-${name}/stream/*`,
    dataKey: (r) => `arn:aws:kms:${regionName[r]}:${account}:key/mrk-data`,
    bus: (r) => `arn:aws:events:${regionName[r]}:${account}:event-bus/ballotstream-test`,
    voteStore: store,
    ticketKey: `arn:aws:kms:${region}:${account}:key/mrk-ticket`,
    pseudonymKey: `arn:aws:kms:${region}:${account}:key/mrk-pseudonym`,
    electionKey: `arn:aws:kms:${region}:${account}:key/election`,
    userPool: (r) => `arn:aws:cognito-idp:${regionName[r]}:${account}:userpool/${regionName[r]}_Example`,
    notificationsTopic: `arn:aws:sns:${region}:${account}:officer-alerts`,
    trackers: exampleLocationNames.map((n) => `arn:aws:geo:${region}:${account}:tracker/${n.tracker}`),
    geofenceCollections: exampleLocationNames.map(
      (n) => `arn:aws:geo:${region}:${account}:geofence-collection/${n.collection}`,
    ),
    machineCertificates: `arn:aws:iot:${region}:${account}:cert/*`,
    machineThings: `arn:aws:iot:${region}:${account}:thing/*`,
    machineControlTopics: `arn:aws:iot:${region}:${account}:topic/ballotstream/test/machines/*/control`,
    healthProbeTopics: `arn:aws:iot:${region}:${account}:topic/ballotstream/test/health/*`,
    batchQueue: (trigger) => `arn:aws:sqs:${region}:${account}:ballotstream-test-${trigger}`,
    externalApiSecret: (api) =>
      `arn:aws:secretsmanager:${region}:${account}:secret:ballotstream-test-${api}-AbCdEf`,
  };
}

/**
 * The value of each link a Lambda may carry, naming the same made-up resources as `exampleArns`
 * (so a request an adapter builds from a link can be matched against `statementsFor`), keyed by
 * link name. The cache is the local Redis, without TLS, as `sst dev` links it.
 */
export function exampleLinks(
  voteStore: 'timestream' | 'postgres' | 'postgres-data-api',
): ReadonlyMap<string, unknown> {
  const arns = exampleArns(voteStore);
  const regionName = { primary: 'ap-south-1', secondary: 'ap-south-2' } as const;
  const store = (r: 'primary' | 'secondary') => {
    const s = arns.voteStore(r);
    switch (s.kind) {
      case 'timestream':
        return {
          kind: 'timestream',
          region: regionName[r],
          database: 'bs',
          table: 'votes',
          tallyTable: 'window_counts',
        };
      case 'postgres':
        return {
          kind: 'postgres',
          region: regionName[r],
          host: `bs-votes-${r}.cluster-example.${regionName[r]}.rds.amazonaws.com`,
          port: 5432,
          database: 'ballotstream',
          secretArn: s.secret,
          tls: { caFile: '/var/runtime/ca-cert.pem' },
        };
      case 'postgres-data-api':
        return {
          kind: 'postgres-data-api',
          region: regionName[r],
          clusterArn: s.cluster,
          secretArn: s.secret,
          database: 'ballotstream',
        };
    }
  };
  return new Map<string, unknown>([
    ...tables.map((t) => [LINKS.table(t.name), { name: `ballotstream-test-${t.name}` }] as const),
    [LINKS.bus.primary, { name: 'ballotstream-test', arn: arns.bus('primary') }],
    [LINKS.bus.secondary, { name: 'ballotstream-test', arn: arns.bus('secondary') }],
    [LINKS.voteStore.primary, store('primary')],
    [LINKS.voteStore.secondary, store('secondary')],
    [LINKS.cache, { host: '127.0.0.1', port: 6379, username: 'default', password: '', tls: false }],
    [LINKS.ticketKey, { arn: arns.ticketKey, id: 'mrk-ticket' }],
    [LINKS.pseudonymKey, { arn: arns.pseudonymKey, id: 'mrk-pseudonym' }],
    [LINKS.electionKey, { arn: arns.electionKey, id: 'election' }],
    [LINKS.notifications, { arn: arns.notificationsTopic }],
    [LINKS.userPool.primary, { id: 'ap-south-1_Example', region: 'ap-south-1' }],
    [LINKS.userPool.secondary, { id: 'ap-south-2_Example', region: 'ap-south-2' }],
    [LINKS.tracker, { shards: exampleLocationNames.map((n) => shardLinkOf(n.shard, n.tracker)) }],
    [LINKS.geofences, { shards: exampleLocationNames.map((n) => shardLinkOf(n.shard, n.collection)) }],
    [LINKS.iotDataEndpoint, { address: 'example-ats.iot.ap-south-1.amazonaws.com' }],
    [
      LINKS.voterRegistryApi,
      { url: 'https://registry.example.gov/api', secretArn: arns.externalApiSecret('voterRegistry') },
    ],
    [
      LINKS.biometricApi,
      { url: 'https://biometrics.example.gov/api', secretArn: arns.externalApiSecret('biometrics') },
    ],
  ]);
}

/** A shard as `stacks/location.ts` puts it in a link. */
function shardLinkOf(shard: LocationShard, name: string) {
  return { regionId: shard.regionId, part: shard.part, parts: shard.parts, name };
}
