import {
  fromBase64url,
  readTicket,
  refusalTagOf,
  roundDownToBucket,
  type VerifyVoterDeps,
  verifyVoter,
} from '@ballotstream/core';
import { eventOf } from '@ballotstream/core/ports';
import { verificationRequestSchema, voterRejected, voterVerified } from '@ballotstream/events';
import type { Deps } from '../shared/deps';
import { InvalidInputError } from '../shared/errors';
import { httpRoute, json } from '../shared/http';
import { countRejection } from '../shared/observability';
import { describeRefusal, statusOfRefusal } from '../shared/refusals';

// Built once per set of dependencies: spreading every dependency and setting into a fresh object
// on each request cost more in profiles than the rest of the handler.
const verifyDeps = new WeakMap<Deps, VerifyVoterDeps>();
function verifyDepsOf(deps: Deps): VerifyVoterDeps {
  let built = verifyDeps.get(deps);
  if (built === undefined) {
    const { config } = deps;
    // Unfenced (strongly consistent tables), a verifier writes as the voters table's one copy.
    const fence = config.fencedVerification
      ? {
          region: config.region,
          ...(config.primaryRegion === undefined ? {} : { primaryRegion: config.primaryRegion }),
        }
      : {};
    // Only the ports verification uses: a Lambda is linked to those alone.
    built = {
      keys: deps.ticketKeys,
      records: deps.records,
      cache: deps.cache,
      biometrics: deps.biometrics,
      clock: deps.clock,
      electionId: config.electionId,
      ballotTokenTtlMs: config.ballotTokenTtlMs,
      claimTtlMs: config.claimTtlMs,
      bucketMs: config.bucketMs,
      ...fence,
    };
    verifyDeps.set(deps, built);
  }
  return built;
}

/** `POST /verifications`: verifies a voter at a booth and grants a one-time ballot token. */
export const handler = httpRoute(
  { name: 'verifyVoter', body: verificationRequestSchema },
  async ({ body, deps }) => {
    // A sample that is base64url but not canonical would decode to bytes it does not spell.
    if (fromBase64url(body.fingerprint) === undefined) {
      throw new InvalidInputError('body', ['fingerprint: is not canonical base64url']);
    }
    const { config, clock, publisher } = deps;
    const result = await verifyVoter(verifyDepsOf(deps), body);
    // Events keep time only to the secrecy bucket, like votes, so a verification and the vote
    // that follows it at the same machine cannot be paired by their times.
    const at = new Date(roundDownToBucket(clock.now(), config.bucketMs)).toISOString();
    const where = { electionId: config.electionId, boothId: body.boothId, machineId: body.machineId };
    if (!result.ok && result.error === 'region-not-owner') {
      // Not a refusal of the voter: the booth asks the region that owns the voters now.
      countRejection('verifyVoter', result.error);
      return json(503, { error: result.error, message: describeRefusal(result.error) });
    }
    if (!result.ok) {
      countRejection('verifyVoter', result.error);
      // An already-voted ticket was genuine: tag the voter so one person tried at many booths shows.
      const claims = result.error === 'already-voted' ? readTicket(deps.ticketKeys, body.ticket) : undefined;
      const voterTag = claims?.ok ? refusalTagOf(config.electionId, claims.value.voterKey) : undefined;
      await publisher.publish([
        eventOf(voterRejected, {
          ...where,
          reason: result.error,
          rejectedAt: at,
          ...(voterTag === undefined ? {} : { voterTag }),
        }),
      ]);
      return json(statusOfRefusal(result.error), {
        error: result.error,
        message: describeRefusal(result.error),
      });
    }
    const { visitor, ...grant } = result.value;
    await publisher.publish([eventOf(voterVerified, { ...where, verifiedAt: at, visitor })]);
    return json(201, grant);
  },
);
