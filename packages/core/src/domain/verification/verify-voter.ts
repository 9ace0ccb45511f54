import { createHmac } from 'node:crypto';
import type { VerificationRefusal, VerificationRequest } from '@ballotstream/events';
import { DependencyError } from '../../errors';
import type { Biometrics } from '../../ports/biometrics';
import type { Clock } from '../../ports/clock';
import type { RecordStore, StoredRecord, WriteFence } from '../../ports/record-store';
import type { TicketKeys } from '../../ports/ticket-keys';
import type { VoterCache } from '../../ports/voter-cache';
import { err, ok, type Result } from '../../result';
import { fromBase64url, sha256 } from '../crypto/encoding';
import { randomBase64url } from '../crypto/random';
import { recordKeys } from '../shared/keys';
import { findMachine } from '../shared/registry';
import { boothPollHoursOf, withinPollHours } from '../shared/registry-facts';
import { cachedOwnership, forgetOwnership, ownershipFence, standingOf } from './ownership';
import { readTicket } from './ticket';

export interface VerifyVoterDeps {
  readonly keys: TicketKeys;
  readonly records: RecordStore;
  readonly cache: VoterCache;
  readonly biometrics: Biometrics;
  readonly clock: Clock;
  readonly electionId: string;
  readonly ballotTokenTtlMs: number;
  readonly claimTtlMs: number;
  /** The secrecy bucket: no time stored by a verification is finer than this. */
  readonly bucketMs: number;
  /**
   * The region this verifier runs in: every status write is then fenced on the election's
   * ownership record (`ownership.ts`), so one region at a time writes voter statuses. Left out
   * only by a single-region deployment whose voters table is the one copy.
   */
  readonly region?: string;
  /** The region that owns verification until the first hand-over (the region itself by default). */
  readonly primaryRegion?: string;
}

export interface BallotGrant {
  readonly ballotToken: string;
  readonly machineId: string;
  /** When the token stops being accepted, rounded up to the secrecy bucket. */
  readonly expiresAt: number;
  /**
   * The voter is registered at another booth (voters may vote anywhere): the booth's turnout may
   * then pass its own electorate without anything being wrong.
   */
  readonly visitor: boolean;
}

/** Rounds a time up to the end of its secrecy bucket, so it cannot be told apart within it. */
export function roundUpToBucket(time: number, bucketMs: number): number {
  return Math.ceil(time / bucketMs) * bucketMs;
}

/** Rounds a time down to the start of its secrecy bucket. */
export function roundDownToBucket(time: number, bucketMs: number): number {
  return time - (time % bucketMs);
}

/**
 * Verifies a voter at a booth and grants one ballot token bound to one machine.
 * Exactly one of any number of concurrent attempts for a voter wins: the cache claim turns
 * most losers away in one round trip, and the durable conditional write decides. An attempt
 * that carries the booth's `attemptId` can be retried after a lost answer or a crash and gets
 * the same token again (the claim protocol in docs/as-built.md).
 */
export async function verifyVoter(
  deps: VerifyVoterDeps,
  request: VerificationRequest,
): Promise<Result<BallotGrant, VerificationRefusal>> {
  const now = deps.clock.now();
  const read = readTicket(deps.keys, request.ticket);
  if (!read.ok) return read;
  const claims = read.value;
  if (claims.electionId !== deps.electionId) return err('wrong-election');
  if (claims.expiresAt <= now) return err('expired');
  // The booth's own hours: a late-closing booth still verifies its queue after the election closes.
  const hours = await boothPollHoursOf(deps.records, deps.electionId, request.boothId);
  if (!withinPollHours(hours, now)) return err('polls-closed');

  // Both reads in one round: in AWS each is a DynamoDB round trip on the booth's critical path.
  const [ticket, machine] = await Promise.all([
    deps.records.get('tickets', recordKeys.ticket(claims.ticketId)),
    findMachine(deps.records, request.machineId),
  ]);
  // A ticket the issue centre has no live record of (revoked, or never handed out) is refused.
  if (ticket?.status !== 'issued') return err('revoked');
  if (machine === undefined || machine.boothId !== request.boothId) return err('unknown-machine');
  if (machine.blocked) return err('machine-blocked');

  const sample = fromBase64url(request.fingerprint);
  if (sample === undefined) return err('malformed');
  const match = await deps.biometrics.match(claims.voterKey, sample);
  if (match === 'not-enrolled') return err('unknown-voter');
  if (match === 'mismatch') return err('biometric-mismatch');

  let fence: WriteFence | undefined;
  let writer: { region: string; epoch: number } | undefined;
  if (deps.region !== undefined) {
    const ownership = await cachedOwnership(
      deps.records,
      deps.electionId,
      deps.primaryRegion ?? deps.region,
      now,
    );
    const standing = standingOf(ownership, deps.region, now);
    // Another region writes this election's voters, or this one waits for the old owner's last
    // writes to replicate: the booth asks the owner (its API's failover record points there).
    if (standing.kind !== 'owner') return err('region-not-owner');
    fence = ownershipFence(deps.electionId, ownership);
    writer = { region: ownership.region, epoch: ownership.epoch };
  }

  const attempt = attemptOf(request);
  const claimed = await claimVoter(
    deps,
    claims.voterKey,
    claims.ticketId,
    request.boothId,
    attempt,
    now,
    fence === undefined || writer === undefined ? undefined : { fence, writer },
  );
  if (!claimed.ok) return claimed;

  const granted = await grantBallot(deps, request.machineId, attempt, now);
  if (claimed.value.cacheHeld) {
    await bestEffort(() => deps.cache.confirm(deps.electionId, claims.voterKey, claims.ticketId, attempt.id));
  }
  if (!granted.ok) return granted;
  const home = ticket.homeBoothId;
  return ok({ ...granted.value, visitor: typeof home === 'string' && home !== request.boothId });
}

/** One verification attempt: the secret the booth holds, and what may be stored of it. */
interface Attempt {
  /** The booth's attempt id, or a fresh random one when the booth sent none. */
  readonly secret: string;
  /** Whether the booth can retry this attempt (it sent the id and keeps it). */
  readonly resumable: boolean;
  /** A hash of the secret: stored in the voter's status and the cache, never the secret itself. */
  readonly id: string;
}

function attemptOf(request: VerificationRequest): Attempt {
  const secret = request.attemptId ?? randomBase64url(18);
  return { secret, resumable: request.attemptId !== undefined, id: sha256(`attempt:${secret}`) };
}

/**
 * The ballot token of an attempt. For a resumable attempt it is derived from the attempt id,
 * so a retry writes the same token instead of minting a second one; the stored attempt hash
 * cannot be turned back into the id, so nothing stored leads from the voter to the token.
 */
function ballotTokenOf(attempt: Attempt): string {
  if (!attempt.resumable) return randomBase64url(24);
  return createHmac('sha256', attempt.secret).update('ballotstream ballot token').digest('base64url');
}

/** The claim protocol of docs/as-built.md: cache first when it answers, the durable write always. */
async function claimVoter(
  deps: VerifyVoterDeps,
  voterKey: string,
  ticketId: string,
  boothId: string,
  attempt: Attempt,
  now: number,
  fenced: { fence: WriteFence; writer: { region: string; epoch: number } } | undefined,
): Promise<Result<{ cacheHeld: boolean }, 'already-voted' | 'region-not-owner'>> {
  let cacheHeld = false;
  try {
    const outcome = await deps.cache.claim(deps.electionId, voterKey, ticketId, attempt.id, deps.claimTtlMs);
    // A resumable attempt may find its own earlier claim (or its own vote) there: the durable
    // record tells whose it is. Everyone else is turned away here, in one round trip.
    if (outcome === 'already-claimed' && !attempt.resumable) return err('already-voted');
    cacheHeld = outcome === 'claimed';
  } catch (error) {
    // An unreachable cache slows verification down; the durable write alone still decides.
    if (!(error instanceof DependencyError)) throw error;
  }

  const statusKey = recordKeys.voterStatus(voterKey, deps.electionId);
  const status = {
    ...statusKey,
    status: 'voted',
    boothId,
    day: new Date(now).toISOString().slice(0, 10),
    attempt: attempt.id,
    // Which region and epoch wrote it: a conflict seen in a replica names both writers.
    ...fenced?.writer,
  };
  let won: boolean;
  try {
    won =
      fenced === undefined
        ? await deps.records.put('voters', status, { kind: 'absent' })
        : await deps.records.putFenced('voters', status, { kind: 'absent' }, fenced.fence);
  } catch (error) {
    if (cacheHeld)
      await bestEffort(() => deps.cache.release(deps.electionId, voterKey, ticketId, attempt.id));
    throw error;
  }
  if (won) return ok({ cacheHeld });

  const existing = await deps.records.get('voters', statusKey);
  if (existing === undefined && fenced !== undefined) {
    // Not written and no status there: the fence refused. Ownership moved since it was read.
    forgetOwnership(deps.records, deps.electionId);
    if (cacheHeld)
      await bestEffort(() => deps.cache.release(deps.electionId, voterKey, ticketId, attempt.id));
    return err('region-not-owner');
  }
  if (attempt.resumable && isSameAttempt(existing, attempt, boothId)) return ok({ cacheHeld });
  // The cache had forgotten this voter (flushed or failed over): tell it again.
  await bestEffort(() => deps.cache.markVoted(deps.electionId, voterKey, ticketId));
  return err('already-voted');
}

function isSameAttempt(record: StoredRecord | undefined, attempt: Attempt, boothId: string): boolean {
  return record !== undefined && record.attempt === attempt.id && record.boothId === boothId;
}

/**
 * Stores the token's hash bound to the machine. A retried attempt finds its token already
 * there: it gets it again unless the ballot was cast or the token went to another machine.
 */
async function grantBallot(
  deps: VerifyVoterDeps,
  machineId: string,
  attempt: Attempt,
  now: number,
): Promise<Result<Omit<BallotGrant, 'visitor'>, VerificationRefusal>> {
  const ballotToken = ballotTokenOf(attempt);
  const expiresAt = roundUpToBucket(now + deps.ballotTokenTtlMs, deps.bucketMs);
  const key = recordKeys.ballotToken(sha256(ballotToken));
  const written = await deps.records.put(
    'ballots',
    {
      ...key,
      electionId: deps.electionId,
      machineId,
      expiresAt,
      expiresAtSeconds: Math.floor(expiresAt / 1000),
    },
    { kind: 'absent' },
  );
  if (written) return ok({ ballotToken, machineId, expiresAt });

  const existing = await deps.records.get('ballots', key);
  if (existing === undefined || existing.usedBy !== undefined || existing.machineId !== machineId) {
    return err('already-voted');
  }
  return ok({ ballotToken, machineId, expiresAt: Number(existing.expiresAt) });
}

async function bestEffort(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch {
    // The cache is an accelerator; the durable record already holds the truth.
  }
}
