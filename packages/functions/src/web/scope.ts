import type { Actor } from '@ballotstream/core';
import { statusOfRouteRefusal } from '../shared/refusals';

/**
 * The region a monitoring read covers: an officer's own (asking for another is refused), any
 * for an admin; `undefined` region means the whole country.
 */
export function monitoringScope(
  principal: Actor | undefined,
  asked: string | undefined,
): { ok: true; regionId: string | undefined } | { ok: false; status: number; message: string } {
  if (principal === undefined)
    return {
      ok: false,
      status: statusOfRouteRefusal('unauthenticated'),
      message: 'a signed-in officer is required',
    };
  if (principal.role === 'admin') return { ok: true, regionId: asked };
  if (principal.role === 'officer' && principal.regionId !== undefined) {
    if (asked !== undefined && asked !== principal.regionId)
      return {
        ok: false,
        status: statusOfRouteRefusal('forbidden'),
        message: `an officer of ${principal.regionId} sees only that region`,
      };
    return { ok: true, regionId: principal.regionId };
  }
  return {
    ok: false,
    status: statusOfRouteRefusal('forbidden'),
    message: 'only officers and admins see the fleet',
  };
}
