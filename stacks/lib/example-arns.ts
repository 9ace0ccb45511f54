import type { ResourceArns, VoteStoreArns } from './permissions';

/** Example ARNs in a made-up account, for tests of the generators (no AWS needed). */
export function exampleArns(
  voteStore: 'timestream' | 'postgres',
  region = 'ap-south-1',
): ResourceArns<string> {
  const account = '123456789012';
  const regionName = { primary: 'ap-south-1', secondary: 'ap-south-2' } as const;
  const store = (r: 'primary' | 'secondary'): VoteStoreArns<string> =>
    voteStore === 'timestream'
      ? {
          kind: 'timestream',
          table: `arn:aws:timestream:${regionName[r]}:${account}:database/bs/table/votes`,
          tallies: `arn:aws:timestream:${regionName[r]}:${account}:database/bs/table/window_counts`,
        }
      : {
          kind: 'postgres',
          cluster: `arn:aws:rds:${regionName[r]}:${account}:cluster:bs-votes-${r}`,
          secret: `arn:aws:secretsmanager:${regionName[r]}:${account}:secret:bs-votes-${r}-AbCdEf`,
        };
  return {
    table: (name) => `arn:aws:dynamodb:${region}:${account}:table/ballotstream-test-${name}`,
    tableIndexes: (name) => `arn:aws:dynamodb:${region}:${account}:table/ballotstream-test-${name}/index/*`,
    bus: (r) => `arn:aws:events:${regionName[r]}:${account}:event-bus/ballotstream-test`,
    voteStore: store,
    ticketKey: `arn:aws:kms:${region}:${account}:key/mrk-ticket`,
    pseudonymKey: `arn:aws:kms:${region}:${account}:key/mrk-pseudonym`,
    notificationsTopic: `arn:aws:sns:${region}:${account}:officer-alerts`,
    tracker: `arn:aws:geo:${region}:${account}:tracker/machines`,
    geofenceCollection: `arn:aws:geo:${region}:${account}:geofence-collection/booths`,
    machineCertificates: `arn:aws:iot:${region}:${account}:cert/*`,
    machineControlTopics: `arn:aws:iot:${region}:${account}:topic/ballotstream/test/machines/*/control`,
    healthProbeTopics: `arn:aws:iot:${region}:${account}:topic/ballotstream/test/health/*`,
    batchQueue: (trigger) => `arn:aws:sqs:${region}:${account}:ballotstream-test-${trigger}`,
  };
}
