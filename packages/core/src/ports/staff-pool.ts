/** A member of the election staff as a region's sign-in (a Cognito user pool) holds them. */
export interface StaffMember {
  /** The sign-in name (the email address: the pools use email usernames). */
  readonly username: string;
  readonly email: string;
  readonly enabled: boolean;
  /** Role and region groups (`admin`, `officer`, `clerk`, `region-<id>`), sorted. */
  readonly groups: readonly string[];
  /** Whether the member has set a password and enrolled there (Cognito's `CONFIRMED`). */
  readonly confirmed: boolean;
}

/**
 * One region's pool of staff sign-ins: what the sync between the regions' pools reads and
 * changes. A pool never yields a password or an authenticator secret, so enrolment stays a desk
 * step in each pool.
 */
export interface StaffPool {
  list(): Promise<readonly StaffMember[]>;
  /** Creates a member with a verified email and no invitation sent; sign-in needs the desk's enrolment. */
  create(member: Pick<StaffMember, 'username' | 'email'>): Promise<void>;
  setEnabled(username: string, enabled: boolean): Promise<void>;
  /** Adds a member to a group, creating the group first if the pool lacks it (`region-<id>`). */
  addToGroup(username: string, group: string): Promise<void>;
  removeFromGroup(username: string, group: string): Promise<void>;
}

/** Each region's staff pool. */
export interface StaffPools {
  readonly primary: StaffPool;
  readonly secondary: StaffPool;
}
