import { type VerificationRefusal, type VerificationRequest, voterRejected } from '@ballotstream/events';
import type { Config } from '../config';
import { sha256 } from '../domain/crypto/encoding';
import { refusalTagOf } from '../domain/verification/refusal-tag';
import { readTicket } from '../domain/verification/ticket';
import {
  type BallotGrant,
  roundDownToBucket,
  type VerifyVoterDeps,
  verifyVoter,
} from '../domain/verification/verify-voter';
import { DependencyError } from '../errors';
import {
  type Biometrics,
  type Clock,
  eventOf,
  type RecordStore,
  type TicketKeys,
  type VoterCache,
} from '../ports';
import type { Result } from '../result';
import type { Monitors } from './monitors';
import { type Outcome, outcome } from './outcome';

/** What a booth is granted: the ballot token, its machine and when it expires. */
export type Grant = Omit<BallotGrant, 'visitor'>;

/**
 * Verifies a voter at a booth. A refusal is announced (`voter.rejected`, tagged when a genuine
 * ticket was refused as already voted, so one person tried at many booths shows); a grant is not:
 * the one thing that listened to grants, the turnout rule's count of visitors, is counted here.
 * A region that does not own the voters now refuses without announcing anything.
 */
export function verifyVoterUseCase(
  ports: {
    readonly ticketKeys: TicketKeys;
    readonly records: RecordStore;
    readonly cache: VoterCache;
    readonly biometrics: Biometrics;
    readonly clock: Clock;
  },
  config: Pick<
    Config,
    | 'electionId'
    | 'ballotTokenTtlMs'
    | 'claimTtlMs'
    | 'bucketMs'
    | 'fencedVerification'
    | 'region'
    | 'primaryRegion'
  >,
  monitors: Pick<Monitors, 'detector'>,
) {
  // Unfenced (strongly consistent tables), a verifier writes as the voters table's one copy.
  const fence = config.fencedVerification
    ? {
        region: config.region,
        ...(config.primaryRegion === undefined ? {} : { primaryRegion: config.primaryRegion }),
      }
    : {};
  // Built once: spreading every setting into a fresh object per request cost more in profiles
  // than the rest of the step.
  const deps: VerifyVoterDeps = {
    keys: ports.ticketKeys,
    records: ports.records,
    cache: ports.cache,
    biometrics: ports.biometrics,
    clock: ports.clock,
    electionId: config.electionId,
    ballotTokenTtlMs: config.ballotTokenTtlMs,
    claimTtlMs: config.claimTtlMs,
    bucketMs: config.bucketMs,
    ...fence,
  };
  return async (request: VerificationRequest): Promise<Outcome<Result<Grant, VerificationRefusal>>> => {
    const result = await verifyVoter(deps, request);
    if (result.ok) {
      const { visitor, ...grant } = result.value;
      if (visitor) await countVisitor(monitors, request.boothId, grant.ballotToken);
      return outcome({ ok: true, value: grant });
    }
    if (result.error === 'region-not-owner') return outcome(result);
    const claims =
      result.error === 'already-voted' ? readTicket(ports.ticketKeys, request.ticket) : undefined;
    const voterTag = claims?.ok ? refusalTagOf(config.electionId, claims.value.voterKey) : undefined;
    const detail = {
      electionId: config.electionId,
      boothId: request.boothId,
      machineId: request.machineId,
      reason: result.error,
      // Events keep time only to the secrecy bucket, like votes, so a refusal and what follows
      // it at the same machine cannot be paired by their times.
      rejectedAt: new Date(roundDownToBucket(ports.clock.now(), config.bucketMs)).toISOString(),
      ...(voterTag === undefined ? {} : { voterTag }),
    };
    return outcome(result, [eventOf(voterRejected, detail)]);
  };
}

/**
 * Counts a voter registered elsewhere at this booth, so its turnout may pass its electorate. Keyed
 * by a hash of the ballot token, so a booth retrying one attempt (same token) counts once, and
 * nothing in the count leads back to the token. A count the watchers' store could not take only
 * narrows the turnout rule's allowance: the voter is verified all the same.
 */
async function countVisitor(monitors: Pick<Monitors, 'detector'>, boothId: string, ballotToken: string) {
  try {
    await monitors.detector.voterVerified({ boothId }, sha256(`visitor:${ballotToken}`), true);
  } catch (error) {
    if (!(error instanceof DependencyError)) throw error;
  }
}
