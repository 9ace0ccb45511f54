import { LINKS } from '@ballotstream/functions/links';

/**
 * The VPC of the primary region and the voter cache in it. Only Lambdas that reach the cache
 * (verification, health, and the watchers, whose detector state shares this Redis) run in the
 * VPC; a managed NAT lets them reach EventBridge, DynamoDB, KMS and Amazon Location.
 */
export const vpc = new sst.aws.Vpc('Vpc', { az: 2, nat: 'managed' });

/** ElastiCache Redis for the voter claims and the detector state; `sst dev` uses the local Redis instead. */
export const cache = new sst.aws.Redis('VoterCache', {
  vpc,
  engine: 'redis',
  cluster: false,
  dev: { host: '127.0.0.1', port: 6379 },
});

/**
 * The cache as handlers reach it: SST's own Redis link has no word on TLS, which ElastiCache has
 * on in transit and the local Redis of `sst dev` has not; this link says which.
 */
export const cacheLink = new sst.Linkable(LINKS.cache, {
  properties: {
    host: cache.host,
    port: cache.port,
    username: cache.username,
    password: cache.password,
    tls: !$dev,
  },
});
