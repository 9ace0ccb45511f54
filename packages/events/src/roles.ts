import { z } from 'zod';

/** Who may call a route. `public` needs no token; every other role is a Cognito group in AWS. */
export const roleSchema = z.enum(['public', 'citizen', 'booth', 'clerk', 'officer', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/**
 * How a role gets a token in AWS: `staff` are people the administrators put in the role's Cognito
 * group, who sign in with a password and a TOTP code; `client-credentials` is the booths' machine
 * client; `none` has no sign-in (no route needs one yet).
 */
export type RoleSignIn = 'staff' | 'client-credentials' | 'none';

/** The roles a token can carry, what each may do, its Cognito group, and how it signs in. */
export const roleDefinitions = {
  admin: {
    cognitoGroup: 'admin',
    signIn: 'staff',
    description: 'National election administration: the whole registry, every region.',
  },
  officer: {
    cognitoGroup: 'officer',
    signIn: 'staff',
    description:
      'A regional officer: booths, machines, officers and alerts of one region (`custom:region`, from a `region-<id>` group).',
  },
  clerk: {
    cognitoGroup: 'clerk',
    signIn: 'staff',
    description: 'An issue-centre clerk: issues, reissues and revokes tickets.',
  },
  booth: {
    cognitoGroup: 'booth',
    signIn: 'client-credentials',
    description: 'A polling booth (machine credentials): verifies voters.',
  },
  citizen: {
    cognitoGroup: 'citizen',
    signIn: 'none',
    description: 'A signed-in citizen: their own ticket and receipts (the citizen app needs no sign-in yet).',
  },
} as const satisfies Record<
  Exclude<Role, 'public'>,
  { cognitoGroup: string; signIn: RoleSignIn; description: string }
>;

/** The OAuth resource server of the API (Cognito's resource server identifier). */
export const API_RESOURCE_SERVER = 'ballotstream';

/** The scope that stands for a role in an access token, e.g. `ballotstream/officer`. */
export function roleScope(role: Exclude<Role, 'public'>): string {
  return `${API_RESOURCE_SERVER}/${role}`;
}

/** Cognito groups named `region-<regionId>` put an officer in a region. */
export const REGION_GROUP_PREFIX = 'region-';

/**
 * The claims the API's JWT authorizer hands a route (`requestContext.authorizer.jwt.claims`):
 * `custom:role` and, for officers, `custom:region`, which the pre-token generation trigger writes
 * into Cognito access tokens (and the local issuer into its own). A token that says it is not an
 * access token (a Cognito ID token: `token_use: id`) carries no principal.
 */
export const principalClaimsSchema = z.object({
  sub: z.string().min(1),
  'custom:role': roleSchema,
  'custom:region': z.string().min(1).optional(),
  token_use: z.literal('access').optional(),
});
export type PrincipalClaims = z.infer<typeof principalClaimsSchema>;
