import type { Actor } from '@ballotstream/core';
import type { Principal } from './principal';

/** The caller as the domain's actor; officers carry their region. */
export function actorOf(principal: Principal): Actor {
  return {
    subject: principal.subject,
    role: principal.role,
    ...(principal.regionId === undefined ? {} : { regionId: principal.regionId }),
  };
}
