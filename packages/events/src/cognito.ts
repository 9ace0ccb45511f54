import { z } from 'zod';

/**
 * Why Cognito is about to issue tokens (`triggerSource` of a pre token generation event). The
 * `V2_0` and `V3_0` events carry the same request; only `V3_0` is also sent for a machine's
 * client-credentials grant (`TokenGeneration_ClientCredentials`).
 */
export const tokenGenerationSourceSchema = z.enum([
  'TokenGeneration_HostedAuth',
  'TokenGeneration_Authentication',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
  'TokenGeneration_RefreshTokens',
  'TokenGeneration_ClientCredentials',
]);
export type TokenGenerationSource = z.infer<typeof tokenGenerationSourceSchema>;

const stringMap = z.record(z.string(), z.string());

/**
 * A Cognito pre token generation event, versions 2 and 3 (`request` as Cognito sends it). A
 * client-credentials grant has no user: no user name, no attributes and no groups, so those are
 * read as empty when absent or null.
 */
export const preTokenGenerationEventSchema = z.object({
  version: z.enum(['2', '3']),
  triggerSource: tokenGenerationSourceSchema,
  region: z.string().min(1),
  userPoolId: z.string().min(1),
  userName: z.string().nullish(),
  callerContext: z.object({ awsSdkVersion: z.string().optional(), clientId: z.string().min(1) }),
  request: z.object({
    userAttributes: stringMap.nullish().transform((v) => v ?? {}),
    groupConfiguration: z
      .object({
        groupsToOverride: z
          .array(z.string())
          .nullish()
          .transform((v) => v ?? []),
      })
      .nullish()
      .transform((v) => v ?? { groupsToOverride: [] }),
    scopes: z
      .array(z.string())
      .nullish()
      .transform((v) => v ?? []),
    clientMetadata: stringMap.nullish(),
  }),
  response: z.record(z.string(), z.unknown()).nullish(),
});
export type PreTokenGenerationEvent = z.infer<typeof preTokenGenerationEventSchema>;

/** What a pre token generation trigger answers for the access token (`accessTokenGeneration`). */
export interface AccessTokenOverrides {
  readonly claimsToAddOrOverride: Readonly<Record<string, string>>;
  readonly scopesToAdd: readonly string[];
  readonly scopesToSuppress: readonly string[];
}
