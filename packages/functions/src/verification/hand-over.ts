import { auditAction, handOverVerification, readOwnership, standingOf } from '@ballotstream/core';
import { handOverRequestSchema } from '@ballotstream/events';
import { actorOf } from '../shared/actor';
import { httpRoute, json } from '../shared/http';

/**
 * `POST /verification/handover`: the national desk hands the election's voters to another region.
 * Sent to the owner region it fences that region in the same write; sent with `force` to the new
 * owner when the old one is down (the window docs/as-built.md names). Audited either way.
 */
export const handOver = httpRoute(
  { name: 'handOverVerification', body: handOverRequestSchema },
  async (input) => {
    const { principal, deps, body } = input;
    if (principal === undefined) return json(401, { error: 'unauthorized' });
    const { config } = deps;
    // A region the deployment does not have would leave no one writing voter statuses.
    if (body.to !== config.primaryRegion && body.to !== config.secondaryRegion) {
      return json(422, {
        error: 'unknown-region',
        message: `to: must be ${config.primaryRegion} or ${config.secondaryRegion}`,
      });
    }
    const result = await handOverVerification(deps, {
      electionId: config.electionId,
      primaryRegion: config.primaryRegion,
      region: config.region,
      to: body.to,
      force: body.force,
      settleMs: config.handoverSettleMs,
    });
    if (!result.ok) {
      const message =
        result.error === 'not-owner'
          ? 'region: does not own verification; send this to the owner region, or force it if that region is down'
          : result.error === 'already-owner'
            ? `to: ${body.to} already owns verification`
            : 'ownership: changed while handing over; read it again';
      return json(409, { error: result.error, message });
    }
    const ownership = result.value;
    await auditAction(deps, actorOf(principal), 'verification.handed-over', `election:${config.electionId}`, {
      from: ownership.from,
      to: ownership.region,
      epoch: ownership.epoch,
      forced: ownership.forced === true,
      writtenIn: config.region,
      writableFrom: new Date(ownership.writableFrom).toISOString(),
      reason: body.reason,
    });
    return json(200, ownership);
  },
);

/** `GET /verification/owner`: which region writes voter statuses, as this region's replica knows it. */
export const owner = httpRoute({ name: 'verificationOwner' }, async ({ deps }) => {
  const { config, clock } = deps;
  const ownership = await readOwnership(deps.records, config.electionId, config.primaryRegion);
  const standing = standingOf(ownership, config.region, clock.now());
  return json(200, { ...ownership, thisRegion: config.region, writesHere: standing.kind === 'owner' });
});
