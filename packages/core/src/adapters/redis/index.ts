export { RedisDetectorState, type RedisDetectorStateOptions } from './redis-detector-state';
export { connectRedis, RedisVoterCache, type RedisVoterCacheOptions } from './redis-voter-cache';
