import type { RegistryActor } from '@ballotstream/core';
import type { Principal } from '../shared/principal';

/** How the audit log names a caller: subject, role and, for an officer, region. */
export function actorName(principal: Principal): string {
  return `${principal.subject} (${principal.role}${principal.regionId === undefined ? '' : `@${principal.regionId}`})`;
}

/** The registry's view of a caller; undefined for a role the registry does not serve. */
export function registryActor(principal: Principal | undefined): RegistryActor | undefined {
  if (principal === undefined) return undefined;
  const { role } = principal;
  if (role !== 'admin' && role !== 'officer' && role !== 'clerk') return undefined;
  return {
    name: actorName(principal),
    role,
    ...(principal.regionId === undefined ? {} : { regionId: principal.regionId }),
  };
}
