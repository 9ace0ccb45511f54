import { roleScope } from '@ballotstream/events';
import type { HttpTrigger, Role, Trigger } from '@ballotstream/functions/triggers';

export { roleScope };

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
