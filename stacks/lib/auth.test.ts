import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preTokenGenerationEventSchema, roleDefinitions } from '@ballotstream/events';
import { cognitoPreTokenEvent } from '@ballotstream/functions/auth/testing';
import { accessTokenOverrides } from '@ballotstream/functions/auth/token-claims';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appClientPlans,
  cognitoDomainPrefix,
  jwtAuthorizerPlan,
  MACHINE_ROLES,
  PRE_TOKEN_HANDLER,
  resourceServerScopes,
  STAFF_ROLES,
  staffGroups,
  type UserPoolPlan,
  userPoolPlan,
  userPoolProblems,
  withPreTokenGenerationVersion,
} from './auth';
import { routePlans } from './routes';

// The pools are made in user-pools.ts (so the staff sync may link them), the rest in api.ts.
const apiSource = ['api.ts', 'user-pools.ts']
  .map((file) => readFileSync(join(import.meta.dirname, '..', file), 'utf8'))
  .join('\n');

describe('the planned user pool', () => {
  it('is one Cognito accepts and that puts role claims in access tokens', () => {
    expect(userPoolProblems(userPoolPlan())).toEqual([]);
  });

  it('asks every sign-in for a TOTP code, and lets only administrators create users', () => {
    expect(userPoolPlan()).toMatchObject({ mfa: 'on', softwareToken: true, allowAdminCreateUserOnly: true });
  });

  it('sends trigger version 3 on a plan that has it, so booths get the role claim too', () => {
    const plan = userPoolPlan();
    expect(plan.preTokenGenerationVersion).toBe('V3_0');
    expect(['ESSENTIALS', 'PLUS']).toContain(plan.tier);
  });

  it('names the settings Cognito refused: optional MFA with no factor enabled', () => {
    const deployedBefore: UserPoolPlan = {
      ...userPoolPlan(),
      mfa: 'optional',
      softwareToken: false,
      sms: false,
    };
    expect(userPoolProblems(deployedBefore)).toEqual(
      expect.arrayContaining([expect.stringMatching(/mfa optional needs a second factor/)]),
    );
  });

  it('names a feature plan too small for the trigger version or threat protection', () => {
    const lite: UserPoolPlan = { ...userPoolPlan(), tier: 'LITE' };
    expect(userPoolProblems(lite)).toEqual([expect.stringMatching(/V3_0 needs the Essentials or Plus plan/)]);
    const audit: UserPoolPlan = { ...userPoolPlan(), advancedSecurityMode: 'AUDIT' };
    expect(userPoolProblems(audit)).toEqual([
      expect.stringMatching(/threat protection .* needs the Plus plan/),
    ]);
    const selfSignUp: UserPoolPlan = { ...userPoolPlan(), allowAdminCreateUserOnly: false };
    expect(userPoolProblems(selfSignUp)).toEqual([expect.stringMatching(/sign themself up/)]);
  });

  it("replaces SST's trigger version with the planned one, and leaves a pool without the trigger alone", () => {
    const fromSst = {
      preSignUp: undefined,
      preTokenGenerationConfig: {
        lambdaArn: 'arn:aws:lambda:ap-south-1:1:function:pre',
        lambdaVersion: 'V2_0',
      },
    };
    expect(withPreTokenGenerationVersion(fromSst, 'V3_0')).toEqual({
      preSignUp: undefined,
      preTokenGenerationConfig: {
        lambdaArn: 'arn:aws:lambda:ap-south-1:1:function:pre',
        lambdaVersion: 'V3_0',
      },
    });
    const none = { preSignUp: 'arn' } as {
      preSignUp: string;
      preTokenGenerationConfig?: { lambdaVersion: string };
    };
    expect(withPreTokenGenerationVersion(none, 'V3_0')).toBe(none);
  });

  it('is what api.ts and user-pools.ts deploy', () => {
    for (const call of [
      'userPoolPlan()',
      'mfa: pool.mfa',
      'softwareToken: pool.softwareToken',
      'args.userPoolTier = pool.tier',
      'withPreTokenGenerationVersion(config, pool.preTokenGenerationVersion)',
      'appClientPlans(',
      'jwtAuthorizerPlan(',
      'routePlans(allTriggers)',
      'staffGroups().map(',
    ])
      expect(apiSource).toContain(call);
  });
});

describe('the Cognito domain prefix', () => {
  it('is a prefix Cognito takes, for any stage name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.stringMatching(/^\d{12}$/), (stage, account) => {
        const prefix = cognitoDomainPrefix(stage, account);
        expect(prefix).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
        expect(prefix).not.toMatch(/aws|amazon|cognito/);
        expect(prefix.endsWith(account)).toBe(true);
      }),
    );
  });

  it('names the stage and the account', () => {
    expect(cognitoDomainPrefix('election-2026-general', '123456789012')).toBe(
      'ballotstream-election-2026-general-123456789012',
    );
  });
});

describe('the app clients and scopes', () => {
  const routes = routePlans(triggers as readonly Trigger[]);
  const clients = appClientPlans('s', ['https://results.example.gov/monitor/']);
  const serverScopes = resourceServerScopes().map((s) => `ballotstream/${s.scopeName}`);

  it('define every scope a route asks for on the resource server, and let some client be granted it', () => {
    const grantable = [...clients.staff.allowedOauthScopes, ...clients.booth.allowedOauthScopes];
    for (const plan of routes)
      for (const scope of plan.scopes ?? []) {
        expect(serverScopes, `${plan.route} asks for ${scope}`).toContain(scope);
        expect(grantable, `no client can be granted ${scope} for ${plan.route}`).toContain(scope);
      }
  });

  it('leave no route to a role nobody can sign in as (the citizen app is public)', () => {
    for (const plan of routes)
      for (const role of plan.trigger.roles)
        if (role !== 'public')
          expect(roleDefinitions[role].signIn, `${plan.route} admits ${role}`).not.toBe('none');
  });

  it('give people the staff scopes by code with PKCE, and booths the booth scope by client credentials', () => {
    expect(clients.staff).toMatchObject({ allowedOauthFlows: ['code'], generateSecret: false });
    expect(clients.staff.allowedOauthScopes).not.toContain('ballotstream/booth');
    expect(clients.booth).toMatchObject({
      allowedOauthFlows: ['client_credentials'],
      generateSecret: true,
      allowedOauthScopes: ['ballotstream/booth'],
    });
    expect(STAFF_ROLES.sort()).toEqual(['admin', 'clerk', 'officer']);
    expect(MACHINE_ROLES).toEqual(['booth']);
  });

  it('create the group of every staff role, whose members the trigger gives that role', () => {
    for (const { role, group } of staffGroups()) {
      const groups = role === 'officer' ? [group, 'region-north'] : [group];
      const event = preTokenGenerationEventSchema.parse(cognitoPreTokenEvent({ clientId: 'staff', groups }));
      expect(accessTokenOverrides(event)).toMatchObject({
        ok: true,
        value: { claimsToAddOrOverride: { 'custom:role': role } },
      });
    }
    expect(staffGroups().map((g) => g.role)).toEqual(STAFF_ROLES);
  });

  it('let no client send a password in the clear to the public endpoint', () => {
    for (const client of [clients.staff, clients.booth])
      expect(client.explicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
  });

  it('let no client write a user attribute', () => {
    expect(clients.staff.writeAttributes).toEqual([]);
    expect(clients.booth.writeAttributes).toEqual([]);
  });

  it("authorize with the user pool's issuer and both clients as audiences", () => {
    expect(
      jwtAuthorizerPlan({ region: 'ap-south-1', userPoolId: 'ap-south-1_X', clientIds: ['staff', 'booth'] }),
    ).toEqual({
      issuer: 'https://cognito-idp.ap-south-1.amazonaws.com/ap-south-1_X',
      audiences: ['staff', 'booth'],
      identitySource: '$request.header.Authorization',
    });
  });
});

describe('the pre token generation Lambda', () => {
  it('names a handler that exists, and bundles for Node ESM without the domain or any adapter', async () => {
    const [file, exported] = [PRE_TOKEN_HANDLER.slice(0, PRE_TOKEN_HANDLER.lastIndexOf('.')), 'handler'];
    expect(PRE_TOKEN_HANDLER.endsWith(`.${exported}`)).toBe(true);
    const root = join(import.meta.dirname, '../..');
    const module = (await import(/* @vite-ignore */ join(root, `${file}.ts`))) as Record<string, unknown>;
    expect(typeof module[exported]).toBe('function');
    const result = await build({
      absWorkingDir: root,
      entryPoints: [`${file}.ts`],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['@aws-sdk/*'],
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => i.includes('packages/core/'))).toEqual([]);
  });
});
