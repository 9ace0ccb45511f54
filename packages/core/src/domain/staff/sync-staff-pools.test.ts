import { describe, expect, it } from 'vitest';
import { MemoryStaffPool } from '../../adapters/local/memory-staff-pool';
import type { StaffMember } from '../../ports/staff-pool';
import { planStaffSync, syncStaffPools } from './sync-staff-pools';

const member = (username: string, groups: string[], over: Partial<StaffMember> = {}): StaffMember => ({
  username,
  email: username,
  enabled: true,
  groups,
  confirmed: true,
  ...over,
});

describe("syncing the secondary region's staff pool from the primary's", () => {
  it('creates missing members in their groups and reports them as not yet enrolled there', async () => {
    const primary = new MemoryStaffPool([
      member('olu@x.gov', ['officer', 'region-north']),
      member('a@x.gov', ['admin']),
    ]);
    const secondary = new MemoryStaffPool([member('a@x.gov', ['admin'])]);
    const outcome = await syncStaffPools({ primary, secondary });
    expect(outcome.notEnrolled).toEqual(['olu@x.gov']);
    expect(await secondary.list()).toEqual([
      member('a@x.gov', ['admin']),
      member('olu@x.gov', ['officer', 'region-north'], { confirmed: false }),
    ]);
    expect(secondary.groups.has('region-north')).toBe(true);
    // A second run finds nothing to change.
    expect((await syncStaffPools({ primary, secondary })).steps).toEqual([]);
  });

  it('takes rights away first: a disabled member is disabled before any group change, a moved officer leaves the old group', () => {
    const plan = planStaffSync(
      [member('olu@x.gov', ['officer', 'region-south'], { enabled: false })],
      [member('olu@x.gov', ['officer', 'region-north'])],
    );
    expect(plan.steps).toEqual([
      { kind: 'disable', username: 'olu@x.gov' },
      { kind: 'add-to-group', username: 'olu@x.gov', group: 'region-south' },
      { kind: 'remove-from-group', username: 'olu@x.gov', group: 'region-north' },
    ]);
    expect(plan.notEnrolled).toEqual([]);
  });

  it('enables again once the groups match, and leaves members of the secondary alone untouched', () => {
    const plan = planStaffSync(
      [member('a@x.gov', ['admin'])],
      [member('a@x.gov', ['clerk'], { enabled: false }), member('desk@x.gov', ['admin'])],
    );
    expect(plan.steps).toEqual([
      { kind: 'add-to-group', username: 'a@x.gov', group: 'admin' },
      { kind: 'remove-from-group', username: 'a@x.gov', group: 'clerk' },
      { kind: 'enable', username: 'a@x.gov' },
    ]);
    expect(plan.secondaryOnly).toEqual(['desk@x.gov']);
  });
});
