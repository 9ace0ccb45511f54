import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  ListGroupsCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { allItems } from '../../domain/shared/pages';
import type { StaffMember, StaffPool } from '../../ports/staff-pool';

/**
 * A region's Cognito user pool of the election staff. The pools sign in by email (`usernames:
 * ['email']`), so each pool names a user by its own generated id: a member is keyed by email,
 * which the admin commands take in place of the user name.
 */
export class CognitoStaffPool implements StaffPool {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async list(): Promise<readonly StaffMember[]> {
    const members = new Map<string, StaffMember>();
    const emailOf = new Map<string, string>();
    for (const user of await this.allUsers()) {
      const email = attribute(user, 'email');
      if (email === undefined || user.Username === undefined) continue;
      emailOf.set(user.Username, email);
      members.set(email, {
        username: email,
        email,
        enabled: user.Enabled !== false,
        groups: [],
        confirmed: user.UserStatus === 'CONFIRMED',
      });
    }
    for (const group of await this.groupNames()) {
      const users = await this.usersIn(group);
      for (const user of users) {
        const member = members.get(emailOf.get(user.Username ?? '') ?? '');
        if (member !== undefined)
          members.set(member.username, { ...member, groups: [...member.groups, group].sort() });
      }
    }
    return [...members.values()];
  }

  async create(member: Pick<StaffMember, 'username' | 'email'>): Promise<void> {
    await this.client.send(
      new AdminCreateUserCommand({
        UserPoolId: this.userPoolId,
        Username: member.email,
        UserAttributes: [
          { Name: 'email', Value: member.email },
          { Name: 'email_verified', Value: 'true' },
        ],
        // The desk enrols the member in person (docs/deploy.md); no invitation goes out.
        MessageAction: 'SUPPRESS',
      }),
    );
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    const input = { UserPoolId: this.userPoolId, Username: username };
    await this.client.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input));
  }

  async addToGroup(username: string, group: string): Promise<void> {
    const add = () =>
      this.client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: group }),
      );
    try {
      await add();
    } catch (error) {
      // A region group (`region-<id>`) is made by administrators as regions are: make it here too.
      if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
      await this.client.send(new CreateGroupCommand({ UserPoolId: this.userPoolId, GroupName: group }));
      await add();
    }
  }

  async removeFromGroup(username: string, group: string): Promise<void> {
    await this.client.send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: this.userPoolId,
        Username: username,
        GroupName: group,
      }),
    );
  }

  private async groupNames(): Promise<string[]> {
    const groups = await allItems(async (token) => {
      const page = await this.client.send(
        new ListGroupsCommand({ UserPoolId: this.userPoolId, NextToken: token }),
      );
      return { items: page.Groups ?? [], next: page.NextToken };
    });
    return groups.flatMap((g) => (g.GroupName === undefined ? [] : [g.GroupName]));
  }

  /** Every user of the pool (`ListUsers` pages by `PaginationToken`). */
  private allUsers(): Promise<UserType[]> {
    return allItems(async (token) => {
      const page = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, PaginationToken: token }),
      );
      return { items: page.Users ?? [], next: page.PaginationToken };
    });
  }

  /** Every user of a group (`ListUsersInGroup` pages by `NextToken`). */
  private usersIn(group: string): Promise<UserType[]> {
    return allItems(async (token) => {
      const page = await this.client.send(
        new ListUsersInGroupCommand({ UserPoolId: this.userPoolId, GroupName: group, NextToken: token }),
      );
      return { items: page.Users ?? [], next: page.NextToken };
    });
  }
}

function attribute(user: UserType, name: string): string | undefined {
  return user.Attributes?.find((a) => a.Name === name)?.Value;
}
