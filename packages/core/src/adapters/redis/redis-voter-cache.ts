import { Redis } from 'ioredis';
import { DependencyError } from '../../errors';
import type { ClaimOutcome, VoterCache } from '../../ports/voter-cache';

const VOTED = 'voted';
const UNREACHABLE = new Set(['reconnecting', 'close', 'end']);

// Both keys share one hash tag so the claim stays a single-slot script on a Redis cluster.
function keysOf(electionId: string, voterKey: string, ticketId: string): [string, string] {
  const tag = `{bs:${electionId}:${voterKey}}`;
  return [`${tag}:voter`, `${tag}:ticket:${ticketId}`];
}

const claimScript = `
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`;

const confirmScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], ARGV[2])
  return 1
end
return 0`;

const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`;

interface ScriptedRedis extends Redis {
  bsClaim(voterKey: string, ticketKey: string, claim: string, ttlMs: number): Promise<number>;
  bsConfirm(voterKey: string, ticketKey: string, claim: string, voted: string): Promise<number>;
  bsRelease(voterKey: string, ticketKey: string, claim: string): Promise<number>;
}

export interface RedisVoterCacheOptions {
  readonly url: string;
  /** How long a command may wait before the cache counts as unreachable. */
  readonly commandTimeoutMs?: number;
}

/**
 * Creates the Redis client the way both runtimes use it: auto-pipelined, and failing fast once
 * Redis is lost (commands wait for the first connection, never for a reconnection).
 */
export function connectRedis(options: RedisVoterCacheOptions): Redis {
  const redis = new Redis(options.url, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    enableOfflineQueue: true,
  });
  redis.once('ready', () => {
    redis.options.enableOfflineQueue = false;
  });
  // While Redis is away every command fails as a DependencyError and the durable store decides;
  // the client's own 'error' events would only print once per reconnect attempt.
  redis.on('error', () => undefined);
  return redis;
}

/** The voter cache on Redis: each operation is one Lua script, so one round trip and atomic. */
export class RedisVoterCache implements VoterCache {
  private readonly redis: ScriptedRedis;

  constructor(redis: Redis) {
    redis.defineCommand('bsClaim', { numberOfKeys: 2, lua: claimScript });
    redis.defineCommand('bsConfirm', { numberOfKeys: 2, lua: confirmScript });
    redis.defineCommand('bsRelease', { numberOfKeys: 2, lua: releaseScript });
    this.redis = redis as ScriptedRedis;
  }

  async claim(
    electionId: string,
    voterKey: string,
    ticketId: string,
    claimId: string,
    ttlMs: number,
  ): Promise<ClaimOutcome> {
    const [voter, ticket] = keysOf(electionId, voterKey, ticketId);
    const won = await this.call(() => this.redis.bsClaim(voter, ticket, `claim:${claimId}`, ttlMs));
    return won === 1 ? 'claimed' : 'already-claimed';
  }

  async confirm(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void> {
    const [voter, ticket] = keysOf(electionId, voterKey, ticketId);
    await this.call(() => this.redis.bsConfirm(voter, ticket, `claim:${claimId}`, VOTED));
  }

  async release(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void> {
    const [voter, ticket] = keysOf(electionId, voterKey, ticketId);
    await this.call(() => this.redis.bsRelease(voter, ticket, `claim:${claimId}`));
  }

  async markVoted(electionId: string, voterKey: string, ticketId: string): Promise<void> {
    const [voter, ticket] = keysOf(electionId, voterKey, ticketId);
    await this.call(() => this.redis.mset(voter, VOTED, ticket, VOTED));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    // A client that lost its connection would hold each command until a reconnect attempt gives
    // up; fail at once instead, so a verification goes straight to the durable store.
    if (UNREACHABLE.has(this.redis.status)) {
      throw new DependencyError('redis', `voter cache is unreachable (${this.redis.status})`);
    }
    try {
      return await command();
    } catch (cause) {
      throw new DependencyError('redis', 'voter cache command failed', { cause });
    }
  }
}
