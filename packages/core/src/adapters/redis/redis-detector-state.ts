import type { Redis } from 'ioredis';
import { DependencyError } from '../../errors';
import type { DetectorState, StateChange, SubjectState } from '../../ports/detector-state';

// KEYS[1] the subject's hash, KEYS[2] the event's seen marker, KEYS[3..] its series.
// ARGV[1] event id, ARGV[2] the change as JSON, ARGV[3] seen TTL, ARGV[4] state TTL (ms).
// Numbers travel as strings so Lua's doubles never print a time in exponent form.
const applyScript = `
local c = cjson.decode(ARGV[2])
local fresh = true
if next(c.counters) ~= nil or c.latest then
  fresh = redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3])
end
if fresh then
  for k, v in pairs(c.counters) do redis.call('HINCRBY', KEYS[1], k, v) end
  if c.latest then
    local prev = tonumber(redis.call('HGET', KEYS[1], '@latest') or '-1')
    if tonumber(c.latest.at) >= prev then
      for k, v in pairs(c.latest.fields) do redis.call('HSET', KEYS[1], k, v) end
      redis.call('HSET', KEYS[1], '@latest', c.latest.at)
    end
  end
end
for k, v in pairs(c.fields) do redis.call('HSET', KEYS[1], k, v) end
for k, v in pairs(c.maxima) do
  local cur = redis.call('HGET', KEYS[1], k)
  if not cur or tonumber(v) > tonumber(cur) then redis.call('HSET', KEYS[1], k, v) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local out = { fresh and 1 or 0, redis.call('HGETALL', KEYS[1]) }
for i, s in ipairs(c.series) do
  local key = KEYS[2 + i]
  redis.call('ZADD', key, 'NX', s.at, ARGV[1])
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  local cutoff = tonumber(newest[2]) - tonumber(s.keepMs)
  if s.keepOneBefore then
    local old = redis.call('ZCOUNT', key, '-inf', cutoff)
    if old > 1 then redis.call('ZREMRANGEBYRANK', key, 0, old - 2) end
  else
    redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  end
  redis.call('PEXPIRE', key, ARGV[4])
  out[2 + i] = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
end
return out`;

// KEYS[1] the report's key; ARGV event id, instant, cooldown, TTL.
const claimScript = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if string.sub(cur, sep + 1) == ARGV[1] then return 1 end
  if tonumber(ARGV[2]) - tonumber(string.sub(cur, 1, sep - 1)) < tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[1], 'PX', ARGV[4])
return 1`;

type ApplyReply = [number, string[], ...string[][]];

interface ScriptedRedis extends Redis {
  bsDetectorApply(...args: (string | number)[]): Promise<ApplyReply>;
  bsDetectorClaim(
    key: string,
    eventId: string,
    at: string,
    cooldownMs: string,
    ttlMs: string,
  ): Promise<number>;
}

export interface RedisDetectorStateOptions {
  /** Prefix of every key (a stage, or a test's own). */
  readonly prefix: string;
  /** How long an event id is remembered as applied: longer than any queue redelivers it (1 h). */
  readonly seenTtlMs?: number;
  /** How long a subject's state outlives its last change (2 days: an election day and its count). */
  readonly stateTtlMs?: number;
}

/**
 * The watchers' state on Redis (the voter cache's server). Each change is one Lua script over one
 * subject's keys, which share a hash tag, so it is atomic and single-slot on a cluster.
 */
export class RedisDetectorState implements DetectorState {
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private readonly seenTtlMs: number;
  private readonly stateTtlMs: number;

  constructor(redis: Redis, options: RedisDetectorStateOptions) {
    redis.defineCommand('bsDetectorApply', { lua: applyScript });
    redis.defineCommand('bsDetectorClaim', { numberOfKeys: 1, lua: claimScript });
    this.redis = redis as ScriptedRedis;
    this.prefix = options.prefix;
    this.seenTtlMs = options.seenTtlMs ?? 60 * 60_000;
    this.stateTtlMs = options.stateTtlMs ?? 2 * 24 * 60 * 60_000;
  }

  async apply(
    subject: string,
    eventId: string,
    change: StateChange,
  ): Promise<{ fresh: boolean; state: SubjectState }> {
    const names = Object.keys(change.series ?? {});
    const tag = this.tagOf(subject);
    const body = {
      counters: stringsOf(change.counters),
      maxima: stringsOf(change.maxima),
      fields: { ...change.fields },
      ...(change.latest === undefined
        ? {}
        : { latest: { at: String(change.latest.at), fields: { ...change.latest.fields } } }),
      series: names.map((name) => {
        const s = change.series![name]!;
        return { at: String(s.at), keepMs: String(s.keepMs), keepOneBefore: s.keepOneBefore === true };
      }),
    };
    const keys = [`${tag}:h`, `${tag}:seen:${eventId}`, ...names.map((n) => `${tag}:s:${n}`)];
    const reply = await this.call(() =>
      this.redis.bsDetectorApply(
        keys.length,
        ...keys,
        eventId,
        // cjson turns an empty object into an empty array; Lua's pairs() reads both alike.
        JSON.stringify(body),
        this.seenTtlMs,
        this.stateTtlMs,
      ),
    );
    const [fresh, hash, ...series] = reply;
    return { fresh: fresh === 1, state: stateOf(hash, names, series) };
  }

  async read(subject: string, series: readonly string[]): Promise<SubjectState> {
    const tag = this.tagOf(subject);
    const [hash, ...ranges] = await this.call(() =>
      Promise.all([
        this.redis.hgetall(`${tag}:h`),
        ...series.map((n) => this.redis.zrange(`${tag}:s:${n}`, 0, -1, 'WITHSCORES')),
      ]),
    );
    const values = { ...(hash as Record<string, string>) };
    return stateOf(Object.entries(values).flat(), series, ranges as string[][]);
  }

  async index(name: string, subjects: readonly string[]): Promise<void> {
    if (subjects.length === 0) return;
    const key = `${this.prefix}index:${name}`;
    await this.call(() =>
      this.redis
        .multi()
        .sadd(key, ...subjects)
        .pexpire(key, this.stateTtlMs)
        .exec(),
    );
  }

  async members(name: string): Promise<string[]> {
    return this.call(() => this.redis.smembers(`${this.prefix}index:${name}`));
  }

  async claimReport(key: string, eventId: string, at: number, cooldownMs: number): Promise<boolean> {
    const ttl = Math.max(cooldownMs, this.seenTtlMs);
    const won = await this.call(() =>
      this.redis.bsDetectorClaim(
        `${this.prefix}report:${key}`,
        eventId,
        String(at),
        String(cooldownMs),
        String(ttl),
      ),
    );
    return won === 1;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private tagOf(subject: string): string {
    return `${this.prefix}{${subject}}`;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (cause) {
      throw new DependencyError('redis', 'detector state command failed', { cause });
    }
  }
}

function stringsOf(values: Readonly<Record<string, number>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, String(v)]));
}

function stateOf(
  hash: readonly string[],
  names: readonly string[],
  ranges: readonly string[][],
): SubjectState {
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < hash.length; i += 2) values[hash[i]!] = hash[i + 1]!;
  const series: Record<string, number[]> = {};
  names.forEach((name, i) => {
    const range = ranges[i] ?? [];
    const times: number[] = [];
    for (let j = 1; j < range.length; j += 2) times.push(Number(range[j]));
    series[name] = times;
  });
  return { values, series };
}
