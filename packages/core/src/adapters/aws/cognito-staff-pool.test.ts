import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  ResourceNotFoundException,
  type UserStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { syncStaffPools } from '../../domain/staff/sync-staff-pools';
import { CognitoStaffPool } from './cognito-staff-pool';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

const user = (sub: string, email: string, status: UserStatusType = 'CONFIRMED', enabled = true) => ({
  Username: sub,
  Enabled: enabled,
  UserStatus: status,
  Attributes: [{ Name: 'email', Value: email }],
});

/** Two pools as Cognito answers for them, each user named by that pool's own generated id. */
function pools(): void {
  cognito.on(ListUsersCommand, { UserPoolId: 'primary-pool' }).resolvesOnce({
    Users: [user('p-1', 'olu@x.gov')],
    PaginationToken: 'next',
  });
  cognito
    .on(ListUsersCommand, { UserPoolId: 'primary-pool', PaginationToken: 'next' })
    .resolves({ Users: [user('p-2', 'ade@x.gov', 'CONFIRMED', false)] });
  cognito.on(ListGroupsCommand, { UserPoolId: 'primary-pool' }).resolves({
    Groups: [{ GroupName: 'officer' }, { GroupName: 'region-north' }],
  });
  cognito
    .on(ListUsersInGroupCommand, { UserPoolId: 'primary-pool', GroupName: 'officer' })
    .resolves({ Users: [user('p-1', 'olu@x.gov'), user('p-2', 'ade@x.gov')] });
  cognito
    .on(ListUsersInGroupCommand, { UserPoolId: 'primary-pool', GroupName: 'region-north' })
    .resolves({ Users: [user('p-1', 'olu@x.gov')] });
  cognito.on(ListUsersCommand, { UserPoolId: 'secondary-pool' }).resolves({
    Users: [user('s-9', 'ade@x.gov')],
  });
  cognito.on(ListGroupsCommand, { UserPoolId: 'secondary-pool' }).resolves({
    Groups: [{ GroupName: 'officer' }, { GroupName: 'clerk' }],
  });
  cognito
    .on(ListUsersInGroupCommand, { UserPoolId: 'secondary-pool', GroupName: 'clerk' })
    .resolves({ Users: [user('s-9', 'ade@x.gov')] });
  cognito
    .on(ListUsersInGroupCommand, { UserPoolId: 'secondary-pool', GroupName: 'officer' })
    .resolves({ Users: [] });
}

describe("the Cognito staff pools, synced from the primary region's to the secondary's", () => {
  it('reads every page of users with their groups, keyed by email', async () => {
    pools();
    const pool = new CognitoStaffPool(
      new CognitoIdentityProviderClient({ region: 'ap-south-1', credentials }),
      'primary-pool',
    );
    expect(await pool.list()).toEqual([
      {
        username: 'olu@x.gov',
        email: 'olu@x.gov',
        enabled: true,
        groups: ['officer', 'region-north'],
        confirmed: true,
      },
      { username: 'ade@x.gov', email: 'ade@x.gov', enabled: false, groups: ['officer'], confirmed: true },
    ]);
  });

  it('creates, disables and regroups in the secondary with the admin commands, making a missing region group', async () => {
    pools();
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    cognito.on(CreateGroupCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito
      .on(AdminAddUserToGroupCommand, { GroupName: 'region-north' })
      .rejectsOnce(new ResourceNotFoundException({ message: 'Group not found.', $metadata: {} }))
      .resolves({});
    const client = (region: string) => new CognitoIdentityProviderClient({ region, credentials });
    const outcome = await syncStaffPools({
      primary: new CognitoStaffPool(client('ap-south-1'), 'primary-pool'),
      secondary: new CognitoStaffPool(client('ap-south-2'), 'secondary-pool'),
    });
    expect(outcome.notEnrolled).toEqual(['olu@x.gov']);
    const sent = (command: Parameters<typeof cognito.commandCalls>[0]) =>
      cognito.commandCalls(command).map((c) => c.args[0].input);
    expect(sent(AdminCreateUserCommand)).toEqual([
      {
        UserPoolId: 'secondary-pool',
        Username: 'olu@x.gov',
        UserAttributes: [
          { Name: 'email', Value: 'olu@x.gov' },
          { Name: 'email_verified', Value: 'true' },
        ],
        MessageAction: 'SUPPRESS',
      },
    ]);
    expect(sent(AdminDisableUserCommand)).toEqual([{ UserPoolId: 'secondary-pool', Username: 'ade@x.gov' }]);
    expect(sent(CreateGroupCommand)).toEqual([{ UserPoolId: 'secondary-pool', GroupName: 'region-north' }]);
    expect(sent(AdminAddUserToGroupCommand).map((i) => `${i.Username} ${i.GroupName}`)).toEqual([
      'olu@x.gov officer',
      'olu@x.gov region-north',
      'olu@x.gov region-north',
      'ade@x.gov officer',
    ]);
    expect(sent(AdminRemoveUserFromGroupCommand)).toEqual([
      { UserPoolId: 'secondary-pool', Username: 'ade@x.gov', GroupName: 'clerk' },
    ]);
    // Nothing was written to the primary's pool.
    const writes = cognito.calls().filter((c) => !String(c.args[0].constructor.name).startsWith('List'));
    expect(
      writes.every((c) => (c.args[0].input as { UserPoolId: string }).UserPoolId === 'secondary-pool'),
    ).toBe(true);
  });
});
