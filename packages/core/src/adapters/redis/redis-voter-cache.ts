import { Redis } from 'ioredis';
import { DependencyError } from '../../errors';
import type { ClaimOutcome, VoterCache } from '../../ports/voter-cache';

const VOTED = 'voted';
const UNREACHABLE = new Set(['reconnecting', 'close', 'end']);

/**
 * Where a voter's claim lives: one hash per group of voters (`{bs:<election>:<group>}`), the voter
 * and the ticket as two of its fields. Redis keeps an idle time and a TTL per key, never per
 * field, so no voter has metadata of their own that says when they were verified; a group's key
 * says only when someone of the group last was (docs/as-built.md, "Ballot secrecy on disk").
 */
function placeOf(
  electionId: string,
  voterKey: string,
  ticketId: string,
  groups: number,
): [key: string, voter: string, ticket: string] {
  let hash = 0x811c9dc5;
  for (let i = 0; i < voterKey.length; i++) hash = Math.imul(hash ^ voterKey.charCodeAt(i), 0x01000193);
  const group = (hash >>> 0) % groups;
  return [`{bs:${electionId}:${group}}`, `v:${voterKey}`, `t:${ticketId}`];
}

// A claim is `claim:<id>:<deadline>`, its deadline rounded up to a multiple of the TTL by the
// server's clock: an unfinished claim says its time only to within a TTL, and a finished one
// (`voted`) says nothing. A small hash lists its fields in the order they came; the first field
// is given a value too long for that layout, so Redis keeps the group as a hash table, whose
// order follows the fields' hashes, not the order voters were verified in.
const preamble = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function live(v)
  if not v then return false end
  if v == '${VOTED}' then return true end
  local deadline = tonumber(string.match(v, ':(%d+)$'))
  return deadline ~= nil and deadline > now
end
local function held(v, claim)
  return v ~= false and string.sub(v, 1, #claim + 1) == claim .. ':' and live(v)
end`;

const claimScript = `${preamble}
if live(redis.call('HGET', KEYS[1], ARGV[1])) or live(redis.call('HGET', KEYS[1], ARGV[2])) then return 0 end
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], '~layout', string.rep('-', 128)) end
local ttl = tonumber(ARGV[4])
local value = ARGV[3] .. ':' .. string.format('%d', math.ceil((now + ttl) / ttl) * ttl)
redis.call('HSET', KEYS[1], ARGV[1], value, ARGV[2], value)
return 1`;

const confirmScript = `${preamble}
if held(redis.call('HGET', KEYS[1], ARGV[1]), ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4], ARGV[2], ARGV[4])
  return 1
end
return 0`;

const releaseScript = `${preamble}
for i = 1, 2 do
  local v = redis.call('HGET', KEYS[1], ARGV[i])
  if v and string.sub(v, 1, #ARGV[3] + 1) == ARGV[3] .. ':' then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 1`;

const markScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], '~layout', string.rep('-', 128)) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3], ARGV[2], ARGV[3])
return 1`;

interface ScriptedRedis extends Redis {
  bsClaim(key: string, voter: string, ticket: string, claim: string, ttlMs: number): Promise<number>;
  bsConfirm(key: string, voter: string, ticket: string, claim: string, voted: string): Promise<number>;
  bsRelease(key: string, voter: string, ticket: string, claim: string): Promise<number>;
  bsMark(key: string, voter: string, ticket: string, voted: string): Promise<number>;
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

/** How the voter cache lays claims out in Redis. */
export interface RedisVoterCacheLayout {
  /**
   * Hashes per election that voters are spread over (1 by default). Raise it when one hash would
   * outgrow a shard, keeping each group busy enough (many verifications a second) that its idle
   * time names no one.
   */
  readonly groups?: number;
}

/** The voter cache on Redis: each operation is one Lua script, so one round trip and atomic. */
export class RedisVoterCache implements VoterCache {
  private readonly redis: ScriptedRedis;
  private readonly groups: number;

  constructor(redis: Redis, layout: RedisVoterCacheLayout = {}) {
    this.groups = layout.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups < 1)
      throw new RangeError('groups must be a positive integer');
    redis.defineCommand('bsClaim', { numberOfKeys: 1, lua: claimScript });
    redis.defineCommand('bsConfirm', { numberOfKeys: 1, lua: confirmScript });
    redis.defineCommand('bsRelease', { numberOfKeys: 1, lua: releaseScript });
    redis.defineCommand('bsMark', { numberOfKeys: 1, lua: markScript });
    this.redis = redis as ScriptedRedis;
  }

  async claim(
    electionId: string,
    voterKey: string,
    ticketId: string,
    claimId: string,
    ttlMs: number,
  ): Promise<ClaimOutcome> {
    const [key, voter, ticket] = placeOf(electionId, voterKey, ticketId, this.groups);
    const won = await this.call(() => this.redis.bsClaim(key, voter, ticket, `claim:${claimId}`, ttlMs));
    return won === 1 ? 'claimed' : 'already-claimed';
  }

  async confirm(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void> {
    const [key, voter, ticket] = placeOf(electionId, voterKey, ticketId, this.groups);
    await this.call(() => this.redis.bsConfirm(key, voter, ticket, `claim:${claimId}`, VOTED));
  }

  async release(electionId: string, voterKey: string, ticketId: string, claimId: string): Promise<void> {
    const [key, voter, ticket] = placeOf(electionId, voterKey, ticketId, this.groups);
    await this.call(() => this.redis.bsRelease(key, voter, ticket, `claim:${claimId}`));
  }

  async markVoted(electionId: string, voterKey: string, ticketId: string): Promise<void> {
    const [key, voter, ticket] = placeOf(electionId, voterKey, ticketId, this.groups);
    await this.call(() => this.redis.bsMark(key, voter, ticket, VOTED));
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
