import { LINKS } from '@ballotstream/functions/links';
import { inRegion } from './context';
import { regionVpcs } from './vote-stores';

/**
 * The secondary region's VPC: the vote store's where the stage has Aurora, else one of its own.
 * The secondary's copies of the steps that reach the voter cache run in it.
 */
export const secondaryVpc =
  regionVpcs.secondary ??
  new sst.aws.Vpc('VpcSecondaryCache', { az: 2, nat: 'managed' }, inRegion('secondary'));

/**
 * The secondary region's voter cache. Claims are not replicated: the cache only turns repeat
 * attempts away early, and the fenced durable write alone decides (a claim the primary held is
 * simply unknown here, which costs a round trip, not a double vote).
 */
export const secondaryCache = new sst.aws.Redis(
  'VoterCacheSecondary',
  { vpc: secondaryVpc, engine: 'redis', cluster: false, dev: { host: '127.0.0.1', port: 6379 } },
  inRegion('secondary'),
);

/** The cache link a copy of a step in the secondary region carries instead of the primary's. */
export const secondaryCacheLink = new sst.Linkable(LINKS.inSecondary(LINKS.cache), {
  properties: {
    host: secondaryCache.host,
    port: secondaryCache.port,
    username: secondaryCache.username,
    password: secondaryCache.password,
    tls: !$dev,
  },
});
