import { LINKS } from '@ballotstream/functions/links';
import { account, inRegion, regions } from './context';
import {
  cognitoDomainPrefix,
  PRE_TOKEN_HANDLER,
  userPoolPlan,
  withPreTokenGenerationVersion,
} from './lib/auth';
import type { Region } from './lib/permissions';

const pool = userPoolPlan();

/** Where a region's resources go: the suffix of their names and the provider of their region. */
interface Placement {
  readonly suffix: string;
  readonly opts: ReturnType<typeof inRegion>;
}

/** Creates the region's user pool of the election staff, with TOTP sign-in and the pre token generation trigger. */
function staffUserPool({ suffix, opts }: Placement): sst.aws.CognitoUserPool {
  // The election staff (admins, officers, clerks), created by administrators only, each in the group
  // of their role (and an officer in a `region-<id>` group). Every sign-in asks for a TOTP code. The
  // pre token generation trigger writes `custom:role` and `custom:region` into access tokens from
  // those groups, for people and for the booths' client-credentials grant alike.
  return new sst.aws.CognitoUserPool(
    `Users${suffix}`,
    {
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
          if (lambdaConfig === undefined)
            throw new Error('the user pool has no pre token generation trigger');
          args.lambdaConfig = $output(lambdaConfig).apply((config) =>
            withPreTokenGenerationVersion(config, pool.preTokenGenerationVersion),
          );
        },
      },
    },
    opts,
  );
}

/**
 * Each region's pool of the election staff (a pool lives in one region and is not replicated).
 * Made apart from the APIs so that a function may link both pools (the staff sync) without an
 * import circle through the functions the APIs route to.
 */
export const userPools: Record<Region, sst.aws.CognitoUserPool> = {
  primary: staffUserPool({ suffix: '', opts: inRegion('primary') }),
  secondary: staffUserPool({ suffix: 'Secondary', opts: inRegion('secondary') }),
};

/** Links carrying each pool's id and region to the staff sync. */
export const userPoolLinks: Record<Region, sst.Linkable<{ id: $util.Output<string>; region: string }>> = {
  primary: new sst.Linkable(LINKS.userPool.primary, {
    properties: { id: userPools.primary.id, region: regions.primary },
  }),
  secondary: new sst.Linkable(LINKS.userPool.secondary, {
    properties: { id: userPools.secondary.id, region: regions.secondary },
  }),
};
