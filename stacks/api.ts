import type { Trigger } from '@ballotstream/functions/triggers';
import { allTriggers, blueprint, inRegion, regions } from './context';
import { functions } from './functions';
import {
  API_RESOURCE_SERVER,
  appClientPlans,
  jwtAuthorizerPlan,
  resourceServerScopes,
  staffCallbackUrls,
  staffGroups,
} from './lib/auth';
import type { Region } from './lib/permissions';
import { routePlans } from './lib/routes';
import { userPools } from './user-pools';

const clientPlans = appClientPlans($app.stage, staffCallbackUrls(blueprint.aws.domain));

/** A region's sign-in and API: its own user pool (Cognito pools are regional), clients and HTTP API. */
export interface RegionalApi {
  readonly users: sst.aws.CognitoUserPool;
  readonly roleGroups: aws.cognito.UserGroup[];
  readonly staffClient: aws.cognito.UserPoolClient;
  readonly boothClient: aws.cognito.UserPoolClient;
  readonly api: sst.aws.ApiGatewayV2;
}

/** Where a region's resources go: the suffix of their names and the provider of their region. */
interface Placement {
  readonly suffix: string;
  readonly opts: ReturnType<typeof inRegion>;
}

/**
 * The sign-in and the API of one region. Each region has its own user pool, since a pool lives
 * in one region and is not replicated: the secondary's API trusts the secondary's pool only, so
 * it keeps answering when the primary region (and its pool) is gone. `fnOf` names the Lambda a
 * route invokes in that region.
 */
export function regionalApi(region: Region, fnOf: (trigger: Trigger) => sst.aws.Function): RegionalApi {
  const at: Placement = { suffix: region === 'primary' ? '' : 'Secondary', opts: inRegion(region) };
  const users = userPools[region];
  const roleGroups = staffRoleGroups(users, at);
  const { staffClient, boothClient } = appClients(users, at);
  const api = httpApi(at);
  const authorizer = cognitoAuthorizer(api, region, users, [staffClient, boothClient]);
  addRoutes(api, authorizer, fnOf);
  return { users, roleGroups, staffClient, boothClient, api };
}

/** Creates one group per staff role; region groups (`region-<id>`) are made by administrators as regions are. */
function staffRoleGroups(
  users: sst.aws.CognitoUserPool,
  { suffix, opts }: Placement,
): aws.cognito.UserGroup[] {
  return staffGroups().map(
    ({ role, group }) =>
      new aws.cognito.UserGroup(
        `Group${role.charAt(0).toUpperCase()}${role.slice(1)}${suffix}`,
        { userPoolId: users.id, name: group, description: `ballotstream ${role}s` },
        opts,
      ),
  );
}

/**
 * Creates the API's resource server (its scopes) and the two app clients granted them: the staff's
 * (Cognito's hosted sign-in page, authorization code with PKCE) and the booths' machine client
 * (client credentials, granted the booth scope).
 */
function appClients(
  users: sst.aws.CognitoUserPool,
  { suffix, opts }: Placement,
): { staffClient: aws.cognito.UserPoolClient; boothClient: aws.cognito.UserPoolClient } {
  const resourceServer = new aws.cognito.ResourceServer(
    `ApiScopes${suffix}`,
    {
      userPoolId: users.id,
      identifier: API_RESOURCE_SERVER,
      name: 'ballotstream API',
      scopes: resourceServerScopes(),
    },
    opts,
  );
  const staffClient = new aws.cognito.UserPoolClient(
    `ClientStaff${suffix}`,
    { userPoolId: users.id, ...clientPlans.staff },
    { ...opts, dependsOn: [resourceServer] },
  );
  const boothClient = new aws.cognito.UserPoolClient(
    `ClientBooth${suffix}`,
    { userPoolId: users.id, ...clientPlans.booth },
    { ...opts, dependsOn: [resourceServer] },
  );
  return { staffClient, boothClient };
}

/** Creates the HTTP API, open to any origin, with no routes yet. */
function httpApi({ suffix, opts }: Placement): sst.aws.ApiGatewayV2 {
  return new sst.aws.ApiGatewayV2(
    `Api${suffix}`,
    { cors: { allowOrigins: ['*'], allowHeaders: ['authorization', 'content-type'] } },
    opts,
  );
}

/** Creates the API's JWT authorizer, trusting access tokens the region's pool issues to its clients. */
function cognitoAuthorizer(
  api: sst.aws.ApiGatewayV2,
  region: Region,
  users: sst.aws.CognitoUserPool,
  [staffClient, boothClient]: readonly [aws.cognito.UserPoolClient, aws.cognito.UserPoolClient],
) {
  const authorizerPlan = $resolve([users.id, staffClient.id, boothClient.id]).apply(
    ([userPoolId, staffId, boothId]) =>
      jwtAuthorizerPlan({ region: regions[region], userPoolId, clientIds: [staffId, boothId] }),
  );
  return api.addAuthorizer({
    name: 'cognito',
    jwt: {
      issuer: authorizerPlan.issuer,
      audiences: authorizerPlan.audiences.apply((a) => [...a]),
      identitySource: authorizerPlan.identitySource,
    },
  });
}

/** Creates a route for every `http` trigger: public ones open, the rest behind the JWT authorizer. */
function addRoutes(
  api: sst.aws.ApiGatewayV2,
  authorizer: ReturnType<sst.aws.ApiGatewayV2['addAuthorizer']>,
  fnOf: (trigger: Trigger) => sst.aws.Function,
): void {
  for (const plan of routePlans(allTriggers)) {
    api.route(plan.route, fnOf(plan.trigger).arn, {
      auth:
        plan.scopes === undefined ? false : { jwt: { authorizer: authorizer.id, scopes: [...plan.scopes] } },
    });
  }
}

const primary = regionalApi('primary', (trigger) => functions[trigger.name]!);

export const { users, roleGroups, staffClient, boothClient, api } = primary;
