import { z } from 'zod';

/** Who may call a route. `public` needs no token; every other role is a Cognito group in AWS. */
export const roleSchema = z.enum(['public', 'citizen', 'booth', 'clerk', 'officer', 'admin']);
export type Role = z.infer<typeof roleSchema>;

/** The roles a token can carry, what each may do, and its Cognito group. */
export const roleDefinitions = {
  admin: {
    cognitoGroup: 'admin',
    description: 'National election administration: the whole registry, every region.',
  },
  officer: {
    cognitoGroup: 'officer',
    description: 'A regional officer: booths, machines, officers and alerts of one region (`custom:region`).',
  },
  clerk: {
    cognitoGroup: 'clerk',
    description: 'An issue-centre clerk: issues, reissues and revokes tickets.',
  },
  booth: { cognitoGroup: 'booth', description: 'A polling booth (machine credentials): verifies voters.' },
  citizen: { cognitoGroup: 'citizen', description: 'A signed-in citizen: their own ticket and receipts.' },
} as const satisfies Record<Exclude<Role, 'public'>, { cognitoGroup: string; description: string }>;

/**
 * The claims the API's JWT authorizer hands a route (`requestContext.authorizer.jwt.claims`):
 * Cognito custom attributes `custom:role` and, for officers, `custom:region`.
 */
export const principalClaimsSchema = z.object({
  sub: z.string().min(1),
  'custom:role': roleSchema,
  'custom:region': z.string().min(1).optional(),
});
export type PrincipalClaims = z.infer<typeof principalClaimsSchema>;
