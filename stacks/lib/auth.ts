import { API_RESOURCE_SERVER, type Role, roleDefinitions, roleScope } from '@ballotstream/events';

type TokenRole = Exclude<Role, 'public'>;

const tokenRoles = Object.keys(roleDefinitions) as TokenRole[];

/** The roles people sign in to (one Cognito group each): the election staff. */
export const STAFF_ROLES = tokenRoles.filter((role) => roleDefinitions[role].signIn === 'staff');

/** The Cognito group of each staff role: the groups the stack creates and the trigger reads. */
export function staffGroups(): { role: TokenRole; group: string }[] {
  return STAFF_ROLES.map((role) => ({ role, group: roleDefinitions[role].cognitoGroup }));
}

/** The roles machines get with the client-credentials grant: the booths. */
export const MACHINE_ROLES = tokenRoles.filter(
  (role) => roleDefinitions[role].signIn === 'client-credentials',
);

/** The handler of the user pool's pre token generation trigger, as SST takes it. */
export const PRE_TOKEN_HANDLER = 'packages/functions/src/auth/pre-token.handler';

/** The user pool settings whose combinations Cognito checks; `userPoolPlan` is the one deployed. */
export interface UserPoolPlan {
  /** SST's `mfa`: `on` asks every user for a second factor at every sign-in. */
  readonly mfa: 'on' | 'optional' | 'off';
  /** TOTP (an authenticator app) as a second factor. */
  readonly softwareToken: boolean;
  /** SMS as a second factor (needs an SNS role and SMS spend). */
  readonly sms: boolean;
  /** The feature plan (`userPoolTier`). */
  readonly tier: 'LITE' | 'ESSENTIALS' | 'PLUS';
  /** The pre token generation event version. */
  readonly preTokenGenerationVersion: 'V1_0' | 'V2_0' | 'V3_0';
  /** Threat protection (`userPoolAddOns.advancedSecurityMode`). */
  readonly advancedSecurityMode: 'OFF' | 'AUDIT' | 'ENFORCED';
  /** Only administrators create users: nobody signs themself up to an election's staff. */
  readonly allowAdminCreateUserOnly: boolean;
}

/**
 * The election staff's user pool. Everyone in it can change the registry, issue tickets or block
 * machines, so every sign-in asks for a TOTP code (SMS codes can be taken with the phone number,
 * and would need an SNS role and spend). Version 3 of the pre token generation event puts the
 * role in access tokens, booths' client-credentials grants included: the Essentials plan has it.
 */
export function userPoolPlan(): UserPoolPlan {
  return {
    mfa: 'on',
    softwareToken: true,
    sms: false,
    tier: 'ESSENTIALS',
    preTokenGenerationVersion: 'V3_0',
    advancedSecurityMode: 'OFF',
    allowAdminCreateUserOnly: true,
  };
}

/**
 * A user pool's trigger settings with the pre token generation event version replaced: SST's
 * `preTokenGenerationVersion` knows `v1` and `v2` only.
 */
export function withPreTokenGenerationVersion<
  T extends { readonly preTokenGenerationConfig?: { readonly lambdaVersion: unknown } | undefined },
>(config: T, version: UserPoolPlan['preTokenGenerationVersion']): T {
  if (config.preTokenGenerationConfig === undefined) return config;
  return {
    ...config,
    preTokenGenerationConfig: { ...config.preTokenGenerationConfig, lambdaVersion: version },
  };
}

/** What Cognito would refuse, or what would leave staff without the claims the API reads. */
export function userPoolProblems(plan: UserPoolPlan): string[] {
  const problems: string[] = [];
  if (plan.mfa !== 'off' && !plan.softwareToken && !plan.sms)
    problems.push(`mfa ${plan.mfa} needs a second factor: enable TOTP (softwareToken) or SMS`);
  if (plan.preTokenGenerationVersion !== 'V1_0' && plan.tier === 'LITE')
    problems.push(`pre token generation ${plan.preTokenGenerationVersion} needs the Essentials or Plus plan`);
  if (plan.advancedSecurityMode !== 'OFF' && plan.tier !== 'PLUS')
    problems.push(`threat protection (${plan.advancedSecurityMode}) needs the Plus plan`);
  if (plan.preTokenGenerationVersion === 'V1_0')
    problems.push('pre token generation V1_0 writes ID tokens only: the API reads access tokens');
  if (plan.mfa !== 'on') problems.push('staff sign in with a second factor every time: mfa must be on');
  if (!plan.allowAdminCreateUserOnly) problems.push('anyone could sign themself up to the staff pool');
  return problems;
}

/**
 * The prefix of the stage's Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`), unique
 * across AWS by the account id. Cognito takes lowercase letters, digits and hyphens, at most 63,
 * and no `aws`, `amazon` or `cognito`.
 */
export function cognitoDomainPrefix(stage: string, accountId: string): string {
  const stem = `ballotstream-${stage}`
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, 'x')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 63 - accountId.length - 1)
    .replace(/-+$/, '');
  return `${stem}-${accountId}`;
}

/** The scopes of the API's resource server: one per role that can get a token. */
export function resourceServerScopes(): { scopeName: string; scopeDescription: string }[] {
  return [...STAFF_ROLES, ...MACHINE_ROLES].map((role) => ({
    scopeName: role,
    scopeDescription: `Act as ${role}`,
  }));
}

/** Where the managed sign-in page returns officers to: the monitoring centre. */
export function staffCallbackUrls(domain: string | undefined): string[] {
  return domain === undefined ? ['http://localhost:5173/monitor/'] : [`https://${domain}/monitor/`];
}

/** The settings of an app client, as `aws.cognito.UserPoolClient` takes them (without the pool). */
export interface AppClientPlan {
  readonly name: string;
  readonly generateSecret: boolean;
  readonly allowedOauthFlowsUserPoolClient: true;
  readonly allowedOauthFlows: string[];
  readonly allowedOauthScopes: string[];
  readonly explicitAuthFlows: string[];
  readonly supportedIdentityProviders: string[];
  readonly callbackUrls?: string[];
  readonly logoutUrls?: string[];
  readonly readAttributes: string[];
  readonly writeAttributes: string[];
  readonly accessTokenValidity: number;
  readonly idTokenValidity: number;
  readonly refreshTokenValidity: number;
  readonly tokenValidityUnits: { accessToken: 'minutes'; idToken: 'minutes'; refreshToken: 'hours' };
  readonly enableTokenRevocation: true;
  readonly preventUserExistenceErrors: 'ENABLED';
}

/**
 * The two app clients. `staff`: officers, admins and clerks sign in on Cognito's hosted page
 * (authorization code with PKCE, no secret in the browser); it may ask for every staff scope and
 * the pre token generation trigger leaves each user the scope of their own role. `booth`: the
 * booths' machine client (client credentials, with a secret), granted the booth scope alone.
 * Neither client may write a user attribute: roles and regions are groups only administrators
 * change.
 */
export function appClientPlans(
  stage: string,
  callbackUrls: string[],
): { staff: AppClientPlan; booth: AppClientPlan } {
  const common = {
    allowedOauthFlowsUserPoolClient: true,
    tokenValidityUnits: { accessToken: 'minutes', idToken: 'minutes', refreshToken: 'hours' },
    enableTokenRevocation: true,
    preventUserExistenceErrors: 'ENABLED',
  } as const;
  return {
    staff: {
      ...common,
      readAttributes: ['email'],
      writeAttributes: [],
      name: `ballotstream-${stage}-staff`,
      generateSecret: false,
      allowedOauthFlows: ['code'],
      allowedOauthScopes: ['openid', 'email', ...STAFF_ROLES.map(roleScope)],
      // The admin flow (IAM credentials only) enrols a user's authenticator app, which Cognito's
      // hosted page cannot do; no flow sends a password to Cognito's public endpoint.
      explicitAuthFlows: [
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ],
      supportedIdentityProviders: ['COGNITO'],
      callbackUrls,
      logoutUrls: callbackUrls,
      // A shift's session: an hour per access token, signed in again after twelve hours.
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 12,
    },
    booth: {
      ...common,
      readAttributes: [],
      writeAttributes: [],
      name: `ballotstream-${stage}-booth`,
      generateSecret: true,
      allowedOauthFlows: ['client_credentials'],
      allowedOauthScopes: MACHINE_ROLES.map(roleScope),
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      supportedIdentityProviders: [],
      accessTokenValidity: 60,
      idTokenValidity: 60,
      refreshTokenValidity: 1,
    },
  };
}

/** The HTTP API's JWT authorizer, as `api.addAuthorizer` takes it. */
export interface JwtAuthorizerPlan {
  /** The user pool's issuer; API Gateway reads its keys from `<issuer>/.well-known/jwks.json`. */
  readonly issuer: string;
  /** Client ids: an access token's `client_id` (or an ID token's `aud`) must be one of them. */
  readonly audiences: readonly string[];
  /** Where the token is read: the `Authorization` header, `Bearer ` prefix allowed. */
  readonly identitySource: string;
}

/** The authorizer that accepts the user pool's tokens issued to the given app clients. */
export function jwtAuthorizerPlan(input: {
  readonly region: string;
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
}): JwtAuthorizerPlan {
  return {
    issuer: `https://cognito-idp.${input.region}.amazonaws.com/${input.userPoolId}`,
    audiences: [...input.clientIds],
    identitySource: '$request.header.Authorization',
  };
}

export { API_RESOURCE_SERVER, roleScope };
