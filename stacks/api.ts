import { allTriggers, regions } from './context';
import { functions } from './functions';
import { RESOURCE_SERVER, roleScope, routePlans, SIGNED_IN_ROLES } from './lib/routes';

/**
 * Users of every role. `custom:role` and `custom:region` are set by administrators only (no
 * client may write them); the role is also a group, and a scope of the API's resource server.
 */
export const users = new sst.aws.CognitoUserPool('Users', {
  usernames: ['email'],
  mfa: 'optional',
  transform: {
    userPool: (args) => {
      args.schemas = [
        {
          name: 'role',
          attributeDataType: 'String',
          mutable: true,
          stringAttributeConstraints: { maxLength: '16' },
        },
        {
          name: 'region',
          attributeDataType: 'String',
          mutable: true,
          stringAttributeConstraints: { maxLength: '64' },
        },
      ];
    },
  },
});

export const roleGroups = SIGNED_IN_ROLES.map(
  (role) =>
    new aws.cognito.UserGroup(`Group${role.charAt(0).toUpperCase()}${role.slice(1)}`, {
      userPoolId: users.id,
      name: role,
      description: `ballotstream ${role}s`,
    }),
);

const resourceServer = new aws.cognito.ResourceServer('ApiScopes', {
  userPoolId: users.id,
  identifier: RESOURCE_SERVER,
  name: 'ballotstream API',
  scopes: SIGNED_IN_ROLES.map((role) => ({ scopeName: role, scopeDescription: `Act as ${role}` })),
});

/** One app client per role, allowed only that role's scope; no client may write the role attributes. */
export const roleClients = Object.fromEntries(
  SIGNED_IN_ROLES.map((role) => [
    role,
    new aws.cognito.UserPoolClient(
      `Client${role.charAt(0).toUpperCase()}${role.slice(1)}`,
      {
        userPoolId: users.id,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ['code'],
        allowedOauthScopes: ['openid', 'email', roleScope(role)],
        callbackUrls: ['http://localhost:5173/callback'],
        supportedIdentityProviders: ['COGNITO'],
        readAttributes: ['email', 'custom:role', 'custom:region'],
        writeAttributes: ['email'],
      },
      { dependsOn: [resourceServer] },
    ),
  ]),
);

/** The HTTP API: every `http` trigger as a route, public ones open, the rest behind the JWT authorizer. */
export const api = new sst.aws.ApiGatewayV2('Api', {
  cors: { allowOrigins: ['*'], allowHeaders: ['authorization', 'content-type'] },
});

const authorizer = api.addAuthorizer({
  name: 'cognito',
  jwt: {
    issuer: $interpolate`https://cognito-idp.${regions.primary}.amazonaws.com/${users.id}`,
    audiences: Object.values(roleClients).map((client) => client.id),
  },
});

for (const plan of routePlans(allTriggers)) {
  api.route(plan.route, functions[plan.trigger.name]!.arn, {
    auth:
      plan.scopes === undefined ? false : { jwt: { authorizer: authorizer.id, scopes: [...plan.scopes] } },
  });
}
