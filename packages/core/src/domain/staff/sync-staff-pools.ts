import type { StaffMember, StaffPool } from '../../ports/staff-pool';

/** One change that brings the secondary pool in line with the primary's. */
export type StaffSyncStep =
  | { readonly kind: 'create'; readonly username: string; readonly email: string }
  | { readonly kind: 'enable' | 'disable'; readonly username: string }
  | {
      readonly kind: 'add-to-group' | 'remove-from-group';
      readonly username: string;
      readonly group: string;
    };

/** What a sync did and what it left to the national desk. */
export interface StaffSyncOutcome {
  readonly steps: readonly StaffSyncStep[];
  /** Members of the primary not yet enrolled in the secondary: they cannot sign in there. */
  readonly notEnrolled: readonly string[];
  /** Members of the secondary alone (made there while the primary was lost): left as they are. */
  readonly secondaryOnly: readonly string[];
}

/**
 * The changes that make the secondary pool grant what the primary grants, the pool of record
 * while it answers: each member there, enabled or disabled alike, in the same groups. A member of
 * the secondary alone is never removed or disabled (the desk may have added them while the
 * primary was lost); a disabled member is disabled before any group changes, so a member whose
 * rights were taken away loses them first.
 */
export function planStaffSync(
  primary: readonly StaffMember[],
  secondary: readonly StaffMember[],
): StaffSyncOutcome {
  const there = new Map(secondary.map((m) => [m.username, m]));
  const steps: StaffSyncStep[] = [];
  const notEnrolled: string[] = [];
  for (const member of primary) {
    const copy = there.get(member.username);
    const { username } = member;
    if (copy === undefined) steps.push({ kind: 'create', username, email: member.email });
    if (!member.enabled && copy?.enabled !== false) steps.push({ kind: 'disable', username });
    const has = new Set(copy?.groups ?? []);
    const wants = new Set(member.groups);
    for (const group of member.groups) {
      if (!has.has(group)) steps.push({ kind: 'add-to-group', username, group });
    }
    for (const group of copy?.groups ?? []) {
      if (!wants.has(group)) steps.push({ kind: 'remove-from-group', username, group });
    }
    if (member.enabled && copy?.enabled === false) steps.push({ kind: 'enable', username });
    if (member.enabled && copy?.confirmed !== true) notEnrolled.push(username);
  }
  const wanted = new Set(primary.map((m) => m.username));
  const secondaryOnly = secondary.filter((m) => !wanted.has(m.username)).map((m) => m.username);
  return { steps, notEnrolled: notEnrolled.sort(), secondaryOnly: secondaryOnly.sort() };
}

/** Reads both pools and applies the plan to the secondary, in order; a failed step throws (the schedule retries). */
export async function syncStaffPools(pools: {
  readonly primary: StaffPool;
  readonly secondary: StaffPool;
}): Promise<StaffSyncOutcome> {
  const [primary, secondary] = await Promise.all([pools.primary.list(), pools.secondary.list()]);
  const outcome = planStaffSync(primary, secondary);
  for (const step of outcome.steps) await applyStep(pools.secondary, step);
  return outcome;
}

function applyStep(pool: StaffPool, step: StaffSyncStep): Promise<void> {
  switch (step.kind) {
    case 'create':
      return pool.create({ username: step.username, email: step.email });
    case 'enable':
    case 'disable':
      return pool.setEnabled(step.username, step.kind === 'enable');
    case 'add-to-group':
      return pool.addToGroup(step.username, step.group);
    case 'remove-from-group':
      return pool.removeFromGroup(step.username, step.group);
  }
}
