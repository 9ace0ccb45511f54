import {
  type AccessTokenOverrides,
  type PreTokenGenerationEvent,
  REGION_GROUP_PREFIX,
  type Role,
  roleDefinitions,
  roleScope,
} from '@ballotstream/events';

type TokenRole = Exclude<Role, 'public'>;

/** Why Cognito must not issue tokens: the sign-in fails instead of granting the wrong thing. */
export type SignInRefusal =
  | { readonly reason: 'no-role'; readonly message: string }
  | { readonly reason: 'many-roles'; readonly message: string }
  | { readonly reason: 'officer-without-region'; readonly message: string }
  | { readonly reason: 'many-regions'; readonly message: string };

const tokenRoles = Object.keys(roleDefinitions) as TokenRole[];
const staffRoles = tokenRoles.filter((role) => roleDefinitions[role].signIn === 'staff');
const machineRoles = tokenRoles.filter((role) => roleDefinitions[role].signIn === 'client-credentials');

/**
 * The access token a pre token generation event may become. A person's role is the one staff
 * role whose Cognito group they are in, and an officer's region their one `region-<id>` group;
 * a machine's role is the machine role whose scope its client was granted. The token keeps the
 * scope of that role alone, so a client allowed several role scopes grants a user only theirs.
 */
export function accessTokenOverrides(
  event: PreTokenGenerationEvent,
): { ok: true; value: AccessTokenOverrides } | { ok: false; error: SignInRefusal } {
  if (event.triggerSource === 'TokenGeneration_ClientCredentials') {
    const granted = machineRoles.filter((role) => event.request.scopes.includes(roleScope(role)));
    // A machine client granted no machine role gets a token no guarded route accepts.
    const role = granted.length === 1 ? granted[0] : undefined;
    return { ok: true, value: overridesFor(role, undefined) };
  }
  const groups = event.request.groupConfiguration.groupsToOverride;
  const roles = staffRoles.filter((role) => groups.includes(roleDefinitions[role].cognitoGroup));
  if (roles.length === 0)
    return {
      ok: false,
      error: { reason: 'no-role', message: `user ${event.userName ?? '?'} is in no role group` },
    };
  if (roles.length > 1)
    return {
      ok: false,
      error: {
        reason: 'many-roles',
        message: `user ${event.userName ?? '?'} is in the groups of ${roles.join(', ')}; a user holds one role`,
      },
    };
  const role = roles[0]!;
  if (role !== 'officer') return { ok: true, value: overridesFor(role, undefined) };
  const regions = groups.filter(
    (g) => g.startsWith(REGION_GROUP_PREFIX) && g.length > REGION_GROUP_PREFIX.length,
  );
  if (regions.length === 0)
    return {
      ok: false,
      error: {
        reason: 'officer-without-region',
        message: `officer ${event.userName ?? '?'} is in no ${REGION_GROUP_PREFIX}<id> group`,
      },
    };
  if (regions.length > 1)
    return {
      ok: false,
      error: {
        reason: 'many-regions',
        message: `officer ${event.userName ?? '?'} is in ${regions.join(', ')}; an officer serves one region`,
      },
    };
  return { ok: true, value: overridesFor(role, regions[0]!.slice(REGION_GROUP_PREFIX.length)) };
}

function overridesFor(role: TokenRole | undefined, regionId: string | undefined): AccessTokenOverrides {
  return {
    claimsToAddOrOverride:
      role === undefined
        ? {}
        : { 'custom:role': role, ...(regionId === undefined ? {} : { 'custom:region': regionId }) },
    scopesToAdd: role === undefined ? [] : [roleScope(role)],
    scopesToSuppress: tokenRoles.filter((r) => r !== role).map(roleScope),
  };
}
