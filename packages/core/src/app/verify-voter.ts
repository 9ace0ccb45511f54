import {
  type VerificationRefusal,
  type VerificationRequest,
  voterRejected,
  voterVerified,
} from '@ballotstream/events';
import type { Config } from '../config';
import { refusalTagOf } from '../domain/verification/refusal-tag';
import { readTicket } from '../domain/verification/ticket';
import {
  type BallotGrant,
  roundDownToBucket,
  type VerifyVoterDeps,
  verifyVoter,
} from '../domain/verification/verify-voter';
import {
  type Biometrics,
  type Clock,
  eventOf,
  type RecordStore,
  type TicketKeys,
  type VoterCache,
} from '../ports';
import type { Result } from '../result';
import { type Outcome, outcome } from './outcome';

/** What a booth is granted: the ballot token, its machine and when it expires. */
export type Grant = Omit<BallotGrant, 'visitor'>;

/**
 * Verifies a voter at a booth and announces the verdict: `voter.verified`, or `voter.rejected`
 * (tagged when a genuine ticket was refused as already voted, so one person tried at many booths
 * shows). A region that does not own the voters now refuses without announcing anything.
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
    if (!result.ok && result.error === 'region-not-owner') return outcome(result);
    // Events keep time only to the secrecy bucket, like votes, so a verification and the vote
    // that follows it at the same machine cannot be paired by their times.
    const at = new Date(roundDownToBucket(ports.clock.now(), config.bucketMs)).toISOString();
    const where = { electionId: config.electionId, boothId: request.boothId, machineId: request.machineId };
    if (!result.ok) {
      const claims =
        result.error === 'already-voted' ? readTicket(ports.ticketKeys, request.ticket) : undefined;
      const voterTag = claims?.ok ? refusalTagOf(config.electionId, claims.value.voterKey) : undefined;
      const detail = {
        ...where,
        reason: result.error,
        rejectedAt: at,
        ...(voterTag === undefined ? {} : { voterTag }),
      };
      return outcome(result, [eventOf(voterRejected, detail)]);
    }
    const { visitor, ...grant } = result.value;
    return outcome({ ok: true, value: grant }, [
      eventOf(voterVerified, { ...where, verifiedAt: at, visitor }),
    ]);
  };
}
