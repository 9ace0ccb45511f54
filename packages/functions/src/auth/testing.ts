import type { TokenGenerationSource } from '@ballotstream/events';

/**
 * A pre token generation event as Cognito sends it with trigger version 3 (tests): a person's
 * carries their user name, attributes and groups; a client-credentials grant only the client
 * and the scopes it was granted.
 */
export function cognitoPreTokenEvent(input: {
  readonly triggerSource?: TokenGenerationSource;
  readonly clientId: string;
  readonly userPoolId?: string;
  readonly userName?: string;
  readonly sub?: string;
  readonly groups?: readonly string[];
  readonly scopes?: readonly string[];
}): Record<string, unknown> {
  const triggerSource = input.triggerSource ?? 'TokenGeneration_HostedAuth';
  const machine = triggerSource === 'TokenGeneration_ClientCredentials';
  return {
    version: '3',
    triggerSource,
    region: 'ap-south-1',
    userPoolId: input.userPoolId ?? 'ap-south-1_Example',
    userName: machine ? null : (input.userName ?? 'user-1'),
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: input.clientId },
    request: machine
      ? { userAttributes: {}, groupConfiguration: null, scopes: [...(input.scopes ?? [])] }
      : {
          userAttributes: {
            sub: input.sub ?? '0f2a7d1e-0000-4000-8000-000000000001',
            email: `${input.userName ?? 'user-1'}@example.gov`,
            email_verified: 'true',
            'cognito:user_status': 'CONFIRMED',
          },
          groupConfiguration: {
            groupsToOverride: [...(input.groups ?? [])],
            iamRolesToOverride: [],
            preferredRole: null,
          },
          scopes: [...(input.scopes ?? ['openid', 'email'])],
        },
    response: { claimsAndScopeOverrideDetails: null },
  };
}
