export { connectRedis, RedisVoterCache, type RedisVoterCacheOptions } from './redis-voter-cache';
