import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from './pre-token';
import { cognitoPreTokenEvent } from './testing';

const context = {} as Context;
const staffScopes = ['openid', 'email', 'ballotstream/clerk', 'ballotstream/officer', 'ballotstream/admin'];

type Answer = {
  response: {
    claimsAndScopeOverrideDetails: {
      accessTokenGeneration: {
        claimsToAddOrOverride: Record<string, string>;
        scopesToAdd: string[];
        scopesToSuppress: string[];
      };
    };
  };
};
const run = async (event: Record<string, unknown>) =>
  ((await handler(event, context)) as Answer).response.claimsAndScopeOverrideDetails.accessTokenGeneration;

describe('the pre token generation trigger', () => {
  it("writes an officer's role and region from their groups, and keeps only the officer scope", async () => {
    const access = await run(
      cognitoPreTokenEvent({ clientId: 'staff', groups: ['officer', 'region-north'], scopes: staffScopes }),
    );
    expect(access.claimsToAddOrOverride).toEqual({ 'custom:role': 'officer', 'custom:region': 'north' });
    expect(access.scopesToAdd).toEqual(['ballotstream/officer']);
    expect(access.scopesToSuppress).toEqual(
      expect.arrayContaining(['ballotstream/admin', 'ballotstream/clerk', 'ballotstream/booth']),
    );
    expect(access.scopesToSuppress).not.toContain('ballotstream/officer');
  });

  it('gives admins and clerks a national role, whatever region group they are in', async () => {
    const admin = await run(cognitoPreTokenEvent({ clientId: 'staff', groups: ['admin', 'region-north'] }));
    expect(admin.claimsToAddOrOverride).toEqual({ 'custom:role': 'admin' });
    const clerk = await run(cognitoPreTokenEvent({ clientId: 'staff', groups: ['clerk'] }));
    expect(clerk.claimsToAddOrOverride).toEqual({ 'custom:role': 'clerk' });
    expect(clerk.scopesToSuppress).toContain('ballotstream/admin');
  });

  it('gives the booth client the booth role from its granted scope, on a client-credentials grant', async () => {
    const access = await run(
      cognitoPreTokenEvent({
        triggerSource: 'TokenGeneration_ClientCredentials',
        clientId: 'booth-client',
        scopes: ['ballotstream/booth'],
      }),
    );
    expect(access.claimsToAddOrOverride).toEqual({ 'custom:role': 'booth' });
    expect(access.scopesToSuppress).toContain('ballotstream/admin');
  });

  it('gives a machine client without the booth scope no role', async () => {
    const access = await run(
      cognitoPreTokenEvent({
        triggerSource: 'TokenGeneration_ClientCredentials',
        clientId: 'other',
        scopes: ['ballotstream/admin'],
      }),
    );
    expect(access.claimsToAddOrOverride).toEqual({});
    expect(access.scopesToSuppress).toContain('ballotstream/admin');
  });

  it('never makes a person a booth, even one put in the booth group', async () => {
    await expect(run(cognitoPreTokenEvent({ clientId: 'staff', groups: ['booth'] }))).rejects.toThrow(
      /no role group/,
    );
  });

  it.each([
    [[], /no role group/],
    [['citizen'], /no role group/],
    [['admin', 'officer', 'region-north'], /one role/],
    [['officer'], /no region-<id> group/],
    [['officer', 'region-'], /no region-<id> group/],
    [['officer', 'region-north', 'region-south'], /one region/],
  ])('refuses to issue tokens to a user in the groups %j', async (groups, message) => {
    await expect(run(cognitoPreTokenEvent({ clientId: 'staff', groups }))).rejects.toThrow(message);
  });

  it('refuses an event that is not a version 2 or 3 pre token generation event', async () => {
    const v1 = { ...cognitoPreTokenEvent({ clientId: 'staff', groups: ['admin'] }), version: '1' };
    await expect(handler(v1, context)).rejects.toThrow(/version/);
    await expect(handler({ triggerSource: 'PreSignUp_SignUp' }, context)).rejects.toThrow();
  });

  it('answers with the event Cognito sent and its response filled in', async () => {
    const event = cognitoPreTokenEvent({ clientId: 'staff', groups: ['clerk'] });
    const answer = (await handler(event, context)) as Record<string, unknown>;
    expect(answer.userPoolId).toBe(event.userPoolId);
    expect(answer.triggerSource).toBe('TokenGeneration_HostedAuth');
  });
});
