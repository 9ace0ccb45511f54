import type { HttpTrigger, Role, Trigger } from '@ballotstream/functions/triggers';

/** The OAuth resource server of the API; each role is one of its scopes. */
export const RESOURCE_SERVER = 'ballotstream';

/** Roles a signed-in user can hold; `public` needs no token. */
export const SIGNED_IN_ROLES = [
  'citizen',
  'booth',
  'clerk',
  'officer',
  'admin',
] as const satisfies readonly Role[];

/** The scope that stands for a role in an access token. */
export function roleScope(role: Exclude<Role, 'public'>): string {
  return `${RESOURCE_SERVER}/${role}`;
}

export interface RoutePlan {
  readonly trigger: HttpTrigger;
  /** As SST's `api.route` takes it, e.g. `POST /verifications`. */
  readonly route: string;
  /** Scopes of which the token must carry one; `undefined` for a public route. */
  readonly scopes: readonly string[] | undefined;
}

/**
 * Every route of the trigger table. A route admitting `public` takes no token; any other route
 * needs a JWT carrying the scope of one of its roles (the handler checks the role claim again).
 */
export function routePlans(triggers: readonly Trigger[]): RoutePlan[] {
  return triggers.flatMap((trigger) => {
    if (trigger.kind !== 'http') return [];
    const isPublic = trigger.roles.includes('public');
    const scopes = isPublic
      ? undefined
      : trigger.roles.filter((r): r is Exclude<Role, 'public'> => r !== 'public').map(roleScope);
    return [{ trigger, route: `${trigger.method} ${trigger.path}`, scopes }];
  });
}
