import { account, allTriggers, blueprint, regions } from './context';
import { functions } from './functions';
import {
  API_RESOURCE_SERVER,
  appClientPlans,
  cognitoDomainPrefix,
  jwtAuthorizerPlan,
  PRE_TOKEN_HANDLER,
  resourceServerScopes,
  staffCallbackUrls,
  staffGroups,
  userPoolPlan,
  withPreTokenGenerationVersion,
} from './lib/auth';
import { routePlans } from './lib/routes';

const pool = userPoolPlan();

/**
 * The election staff (admins, officers, clerks), created by administrators only, each in the group
 * of their role (and an officer in a `region-<id>` group). Every sign-in asks for a TOTP code. The
 * pre token generation trigger writes `custom:role` and `custom:region` into access tokens from
 * those groups, for people and for the booths' client-credentials grant alike.
 */
export const users = new sst.aws.CognitoUserPool('Users', {
  usernames: ['email'],
  mfa: pool.mfa === 'off' ? undefined : pool.mfa,
  softwareToken: pool.softwareToken,
  domain: { prefix: account.apply((id) => cognitoDomainPrefix($app.stage, id)) },
  triggers: {
    preTokenGeneration: {
      handler: PRE_TOKEN_HANDLER,
      description: 'Writes role and region claims into access tokens from Cognito groups',
      runtime: 'nodejs22.x',
      architecture: 'arm64',
      // Cognito waits five seconds for a trigger, then fails the sign-in.
      timeout: '5 seconds',
      memory: '512 MB',
      environment: { POWERTOOLS_SERVICE_NAME: 'ballotstream' },
    },
    preTokenGenerationVersion: 'v2',
  },
  transform: {
    userPool: (args) => {
      args.userPoolTier = pool.tier;
      args.adminCreateUserConfig = { allowAdminCreateUserOnly: pool.allowAdminCreateUserOnly };
      args.userPoolAddOns = { advancedSecurityMode: pool.advancedSecurityMode };
      // SST names trigger versions 1 and 2 only; version 3 also runs for client-credentials grants.
      const lambdaConfig = args.lambdaConfig;
      if (lambdaConfig === undefined) throw new Error('the user pool has no pre token generation trigger');
      args.lambdaConfig = $output(lambdaConfig).apply((config) =>
        withPreTokenGenerationVersion(config, pool.preTokenGenerationVersion),
      );
    },
  },
});

/** One group per staff role; region groups (`region-<id>`) are made by administrators as regions are. */
export const roleGroups = staffGroups().map(
  ({ role, group }) =>
    new aws.cognito.UserGroup(`Group${role.charAt(0).toUpperCase()}${role.slice(1)}`, {
      userPoolId: users.id,
      name: group,
      description: `ballotstream ${role}s`,
    }),
);

const resourceServer = new aws.cognito.ResourceServer('ApiScopes', {
  userPoolId: users.id,
  identifier: API_RESOURCE_SERVER,
  name: 'ballotstream API',
  scopes: resourceServerScopes(),
});

const clientPlans = appClientPlans($app.stage, staffCallbackUrls(blueprint.aws.domain));

/** The staff's client: Cognito's hosted sign-in page, authorization code with PKCE. */
export const staffClient = new aws.cognito.UserPoolClient(
  'ClientStaff',
  { userPoolId: users.id, ...clientPlans.staff },
  { dependsOn: [resourceServer] },
);

/** The booths' machine client: client credentials, granted the booth scope. */
export const boothClient = new aws.cognito.UserPoolClient(
  'ClientBooth',
  { userPoolId: users.id, ...clientPlans.booth },
  { dependsOn: [resourceServer] },
);

/** The HTTP API: every `http` trigger as a route, public ones open, the rest behind the JWT authorizer. */
export const api = new sst.aws.ApiGatewayV2('Api', {
  cors: { allowOrigins: ['*'], allowHeaders: ['authorization', 'content-type'] },
});

const authorizerPlan = $resolve([users.id, staffClient.id, boothClient.id]).apply(
  ([userPoolId, staffId, boothId]) =>
    jwtAuthorizerPlan({ region: regions.primary, userPoolId, clientIds: [staffId, boothId] }),
);

const authorizer = api.addAuthorizer({
  name: 'cognito',
  jwt: {
    issuer: authorizerPlan.issuer,
    audiences: authorizerPlan.audiences.apply((a) => [...a]),
    identitySource: authorizerPlan.identitySource,
  },
});

for (const plan of routePlans(allTriggers)) {
  api.route(plan.route, functions[plan.trigger.name]!.arn, {
    auth:
      plan.scopes === undefined ? false : { jwt: { authorizer: authorizer.id, scopes: [...plan.scopes] } },
  });
}
