import type { StaffMember, StaffPool } from '../../ports/staff-pool';

/**
 * A region's staff pool kept in memory: the local runtime signs staff in with its own tokens, so
 * this pool only plays Cognito's part for the sync between regions.
 */
export class MemoryStaffPool implements StaffPool {
  private readonly members = new Map<string, StaffMember>();
  /** The groups the pool has; adding a member to a missing one creates it, as the AWS adapter does. */
  readonly groups = new Set<string>();

  constructor(members: readonly StaffMember[] = []) {
    for (const member of members) {
      this.members.set(member.username, member);
      for (const group of member.groups) this.groups.add(group);
    }
  }

  async list(): Promise<readonly StaffMember[]> {
    return [...this.members.values()].map((m) => ({ ...m, groups: [...m.groups].sort() }));
  }

  async create(member: Pick<StaffMember, 'username' | 'email'>): Promise<void> {
    if (this.members.has(member.username)) throw new Error(`user ${member.username} already exists`);
    this.members.set(member.username, { ...member, enabled: true, groups: [], confirmed: false });
  }

  async setEnabled(username: string, enabled: boolean): Promise<void> {
    this.members.set(username, { ...this.member(username), enabled });
  }

  async addToGroup(username: string, group: string): Promise<void> {
    const member = this.member(username);
    this.groups.add(group);
    this.members.set(username, { ...member, groups: [...new Set([...member.groups, group])] });
  }

  async removeFromGroup(username: string, group: string): Promise<void> {
    const member = this.member(username);
    this.members.set(username, { ...member, groups: member.groups.filter((g) => g !== group) });
  }

  private member(username: string): StaffMember {
    const member = this.members.get(username);
    if (member === undefined) throw new Error(`no user ${username}`);
    return member;
  }
}
