import type { Alert } from '@ballotstream/events';
import { describe, expect, it } from 'vitest';
import { bySeverityThenTime, groupAlerts, machineOf } from './alert-groups';

function alert(id: string, fields: Partial<Alert>): Alert {
  return {
    alertId: id,
    kind: 'vote-rate',
    severity: 'warning',
    region: 'region-1',
    evidence: {},
    firstSeen: 0,
    lastSeen: 0,
    count: 1,
    escalated: false,
    ...fields,
  };
}

describe('ordering and grouping alerts for an officer', () => {
  it('puts an older critical above a newer warning', () => {
    const older = alert('a', { severity: 'critical', lastSeen: 1 });
    const newer = alert('b', { severity: 'warning', lastSeen: 9 });
    const newest = alert('c', { severity: 'warning', lastSeen: 10 });
    expect([newer, newest, older].sort(bySeverityThenTime).map((a) => a.alertId)).toEqual(['a', 'c', 'b']);
  });

  it('groups one rule at one booth with counts, and keeps other booths and rules apart', () => {
    const groups = groupAlerts([
      alert('a', { booth: 'b-1', machine: 'm-1', count: 3, lastSeen: 5 }),
      alert('b', { booth: 'b-1', machine: 'm-2', count: 2, lastSeen: 7, acknowledgedAt: 8 }),
      alert('c', { booth: 'b-2', lastSeen: 6 }),
      alert('d', { booth: 'b-1', kind: 'sos', severity: 'critical', lastSeen: 1 }),
    ]);
    expect(groups.map((g) => g.key)).toEqual(['sos|b-1', 'vote-rate|b-1', 'vote-rate|b-2']);
    expect(groups[1]).toMatchObject({ place: 'b-1', occurrences: 5, open: 1, lastSeen: 7 });
    expect(groups[1]!.alerts.map((a) => a.alertId)).toEqual(['b', 'a']);
  });

  it('groups alerts without a booth by their region', () => {
    const [group] = groupAlerts([
      alert('a', { kind: 'regions-diverged' }),
      alert('b', { kind: 'regions-diverged' }),
    ]);
    expect(group).toMatchObject({ place: 'region-1', occurrences: 2 });
  });

  it('finds the machine of an SOS in its evidence', () => {
    expect(machineOf(alert('a', { evidence: { machineId: 'm-9' } }))).toBe('m-9');
    expect(machineOf(alert('a', { machine: 'm-1', evidence: { machineId: 'm-9' } }))).toBe('m-1');
  });
});
