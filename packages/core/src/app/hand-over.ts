import type { HandOverRequest } from '@ballotstream/events';
import type { Config } from '../config';
import { type Actor, auditAction } from '../domain/fleet/audit';
import {
  type HandOverRefusal,
  handOverVerification,
  readOwnership,
  standingOf,
  type VerificationOwnership,
} from '../domain/verification/ownership';
import type { Clock, RecordStore } from '../ports';
import { err, type Result } from '../result';

export type HandOverFailure = {
  readonly error: 'unknown-region' | HandOverRefusal;
  readonly message: string;
};

/**
 * The national desk hands the election's voters to another region: sent to the owner region it
 * fences that region in the same write; sent with `force` to the new owner when the old one is
 * down. Audited either way; a region the deployment does not have is refused, as it would leave
 * no one writing voter statuses.
 */
export function handOverUseCases(
  ports: { readonly records: RecordStore; readonly clock: Clock },
  config: Pick<Config, 'electionId' | 'primaryRegion' | 'secondaryRegion' | 'region' | 'handoverSettleMs'>,
) {
  const { electionId, primaryRegion, secondaryRegion, region } = config;
  return {
    async handOver(
      request: HandOverRequest,
      actor: Actor,
    ): Promise<Result<VerificationOwnership, HandOverFailure>> {
      if (request.to !== primaryRegion && request.to !== secondaryRegion) {
        return err({
          error: 'unknown-region',
          message: `to: must be ${primaryRegion} or ${secondaryRegion}`,
        });
      }
      const input = {
        electionId,
        primaryRegion,
        region,
        to: request.to,
        force: request.force,
        settleMs: config.handoverSettleMs,
      };
      const result = await handOverVerification(ports, input);
      if (!result.ok) {
        const message =
          result.error === 'not-owner'
            ? 'region: does not own verification; send this to the owner region, or force it if that region is down'
            : result.error === 'already-owner'
              ? `to: ${request.to} already owns verification`
              : 'ownership: changed while handing over; read it again';
        return err({ error: result.error, message });
      }
      const o = result.value;
      await auditAction(ports, actor, 'verification.handed-over', `election:${electionId}`, {
        from: o.from,
        to: o.region,
        epoch: o.epoch,
        forced: o.forced === true,
        writtenIn: region,
        writableFrom: new Date(o.writableFrom).toISOString(),
        reason: request.reason,
      });
      return result;
    },
    /** Which region writes voter statuses, as this region's replica knows it. */
    async owner() {
      const ownership = await readOwnership(ports.records, electionId, primaryRegion);
      const standing = standingOf(ownership, region, ports.clock.now());
      return { ...ownership, thisRegion: region, writesHere: standing.kind === 'owner' };
    },
  };
}
