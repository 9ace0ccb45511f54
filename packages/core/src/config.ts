import { describeIssues } from '@ballotstream/events';
import { z } from 'zod';
import { monitoringSchema } from './domain/anomaly/thresholds';
import { ConfigError } from './errors';

/** Settings every handler shares; read from the environment once, at cold start. */
export const configSchema = z.object({
  stage: z.string().min(1).default('local'),
  electionId: z.string().min(1).default('demo-2026'),
  /** Votes keep their time only to this bucket, for ballot secrecy. */
  bucketMs: z.coerce.number().int().positive().default(60_000),
  /** Tallies are materialised per window of this length. */
  tallyWindowMs: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  /** How long a ballot token stays usable after verification. */
  ballotTokenTtlMs: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /** How long a voter claim in the cache lives if the attempt dies half-way. */
  claimTtlMs: z.coerce.number().int().positive().default(30_000),
  /** How long an issued ticket stays valid. */
  ticketTtlMs: z.coerce
    .number()
    .int()
    .positive()
    .default(90 * 24 * 3600_000),
  /** How far in the future a vote's bucket may start (booth clocks drift) before ingest refuses it. */
  clockSkewMs: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(2 * 60_000),
  /** Votes by which the regions may differ on a young window while recorders are still writing. */
  inFlightToleranceVotes: z.coerce.number().int().nonnegative().default(50),
  /** A window whose newest vote is younger than this may still have votes in flight. */
  settleMs: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(2 * 60_000),
  /** Whether anyone may read running results before the polls close (officers always may). */
  publicRunningResults: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(false),
  /** The region this runtime serves (the AWS region in Lambda; `primary` / `secondary` locally). */
  region: z.string().min(1).default('primary'),
  /** The region that owns verification until the national desk hands it over (epoch 1). */
  primaryRegion: z.string().min(1).default('primary'),
  /** The other region verification may be handed to. */
  secondaryRegion: z.string().min(1).default('secondary'),
  /**
   * How long a region that was handed verification waits before writing voter status, so the old
   * owner's last writes reach it first (above the global tables' replication latency).
   */
  handoverSettleMs: z.coerce.number().int().nonnegative().default(30_000),
  /**
   * Whether voter status writes are fenced on the ownership epoch (global tables that are
   * last-writer-wins). Off where the voters table is strongly consistent across regions (MRSC),
   * which takes no transactions and needs no fence.
   */
  fencedVerification: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(true),
  redisUrl: z.string().url().optional(),
  /**
   * Hashes per election the voter cache spreads claims over. Each must stay busy (many
   * verifications a second) so that its idle time names no one; raise it only when one hash
   * would outgrow a Redis shard.
   */
  voterCacheGroups: z.coerce.number().int().positive().default(1),
  /** Poll hours and the thresholds of anomaly rules, the fleet monitor and alerting. */
  monitoring: monitoringSchema.prefault({}),
});
export type Config = z.infer<typeof configSchema>;

/** Reads the configuration from environment variables, failing loudly on a bad value. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = configSchema.safeParse({
    stage: env.BALLOTSTREAM_STAGE,
    electionId: env.BALLOTSTREAM_ELECTION_ID,
    bucketMs: env.BALLOTSTREAM_BUCKET_MS,
    tallyWindowMs: env.BALLOTSTREAM_TALLY_WINDOW_MS,
    ballotTokenTtlMs: env.BALLOTSTREAM_BALLOT_TOKEN_TTL_MS,
    claimTtlMs: env.BALLOTSTREAM_CLAIM_TTL_MS,
    ticketTtlMs: env.BALLOTSTREAM_TICKET_TTL_MS,
    clockSkewMs: env.BALLOTSTREAM_CLOCK_SKEW_MS,
    inFlightToleranceVotes: env.BALLOTSTREAM_IN_FLIGHT_TOLERANCE_VOTES,
    settleMs: env.BALLOTSTREAM_SETTLE_MS,
    publicRunningResults: env.BALLOTSTREAM_PUBLIC_RUNNING_RESULTS || undefined,
    region: env.BALLOTSTREAM_REGION || env.AWS_REGION || undefined,
    // Without a primary named, the region this runs in owns its voters: one region, no hand-over.
    primaryRegion: env.BALLOTSTREAM_PRIMARY_REGION || env.BALLOTSTREAM_REGION || env.AWS_REGION || undefined,
    secondaryRegion: env.BALLOTSTREAM_SECONDARY_REGION || undefined,
    fencedVerification: env.BALLOTSTREAM_FENCED_VERIFICATION || undefined,
    handoverSettleMs: env.BALLOTSTREAM_HANDOVER_SETTLE_MS,
    redisUrl: env.REDIS_URL || undefined,
    voterCacheGroups: env.BALLOTSTREAM_VOTER_CACHE_GROUPS,
    monitoring: jsonSetting(env.BALLOTSTREAM_MONITORING),
  });
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** Parses a JSON-valued setting; an unparsable one is kept as text so the schema names it. */
function jsonSetting(value: string | undefined): unknown {
  if (value === undefined || value === '') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * The real services contract tests run against, when the environment names them (CI sets both
 * where they answer); each test file picks its own Redis database so files never share keys.
 */
export function testServiceUrls(env: Readonly<Record<string, string | undefined>> = process.env): {
  redis: (db: number) => string | undefined;
  postgres: string | undefined;
} {
  const redis = env.REDIS_URL || undefined;
  return {
    redis: (db) => (redis === undefined ? undefined : `${redis.replace(/\/\d*$/, '')}/${db}`),
    postgres: env.POSTGRES_URL || undefined,
  };
}
