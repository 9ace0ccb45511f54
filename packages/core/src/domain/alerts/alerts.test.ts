import type { Alert } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../../adapters/local/memory-record-store';
import { OutboxNotifier, readOutbox } from '../../adapters/local/outbox-notifier';
import { defaultMonitoring } from '../anomaly/thresholds';
import { acknowledgeAlert, escalateOverdue, listAlerts, raiseAlert } from './alerts';
import { matchesFilterPolicy, notifyOfficers, officerFilterPolicy, registerOfficer, smsText } from './notify';

const alerting = defaultMonitoring().alerting;
const T0 = 1_800_000_000_000;
let now = T0;
const clock = { now: () => now };
let records: MemoryRecordStore;
const deps = () => ({ records, clock, alerting });
const officerNorth = { subject: 'o-north', role: 'officer', regionId: 'north' };
const officerSouth = { subject: 'o-south', role: 'officer', regionId: 'south' };
const admin = { subject: 'root', role: 'admin' };

const signal = (over: Partial<Parameters<typeof raiseAlert>[1]> = {}) => ({
  kind: 'off-geofence',
  severity: 'critical' as const,
  subject: { regionId: 'north', boothId: 'b1', machineId: 'm1' },
  evidence: { geofenceId: 'b1' },
  at: now,
  ...over,
});

beforeEach(() => {
  records = new MemoryRecordStore();
  now = T0;
});

describe('raising alerts', () => {
  it('opens one alert per subject and counts repeats within the window', async () => {
    const first = await raiseAlert(deps(), signal());
    now += 60_000;
    const again = await raiseAlert(deps(), signal({ at: now }));
    expect(first.isNew).toBe(true);
    expect(again).toMatchObject({
      isNew: false,
      alert: { alertId: first.alert.alertId, count: 2, lastSeen: now },
    });
  });

  it('opens exactly one alert when the same subject is raised many times at once', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => raiseAlert(deps(), signal())));
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    const listed = await listAlerts(records, admin, {});
    expect(listed.ok && listed.value.map((a) => a.count)).toEqual([20]);
  });

  it('opens a new alert for another machine, and for the same one after the window', async () => {
    const a = await raiseAlert(deps(), signal());
    const b = await raiseAlert(
      deps(),
      signal({ subject: { regionId: 'north', boothId: 'b2', machineId: 'm2' } }),
    );
    now += alerting.dedupeWindowMs + 1;
    const c = await raiseAlert(deps(), signal({ at: now }));
    expect(new Set([a.alert.alertId, b.alert.alertId, c.alert.alertId]).size).toBe(3);
    expect([a.isNew, b.isNew, c.isNew]).toEqual([true, true, true]);
  });
});

describe('seeing and acknowledging alerts by region', () => {
  it("shows an officer their region's alerts only, and an admin every region", async () => {
    await raiseAlert(deps(), signal());
    await raiseAlert(deps(), signal({ subject: { regionId: 'south', boothId: 'b9' }, kind: 'sos' }));
    const north = await listAlerts(records, officerNorth, {});
    expect(north.ok && north.value.map((a) => a.region)).toEqual(['north']);
    expect((await listAlerts(records, officerNorth, { region: 'south' })).ok).toBe(false);
    const all = await listAlerts(records, admin, {});
    expect(all.ok && all.value.map((a) => a.region).sort()).toEqual(['north', 'south']);
  });

  it('filters by severity and lists the newest first', async () => {
    await raiseAlert(deps(), signal());
    now += 1000;
    await raiseAlert(deps(), signal({ kind: 'machine-silent', severity: 'warning', at: now }));
    const warnings = await listAlerts(records, officerNorth, { severities: ['warning'] });
    expect(warnings.ok && warnings.value.map((a) => a.kind)).toEqual(['machine-silent']);
    const all = await listAlerts(records, officerNorth, {});
    expect(all.ok && all.value.map((a) => a.kind)).toEqual(['machine-silent', 'off-geofence']);
  });

  it("lets no officer acknowledge another region's alert, and audits the one who may", async () => {
    const { alert } = await raiseAlert(deps(), signal());
    expect(await acknowledgeAlert(deps(), alert.alertId, officerSouth)).toEqual({
      ok: false,
      error: 'unknown-alert',
    });
    const acked = await acknowledgeAlert(deps(), alert.alertId, officerNorth);
    expect(acked).toMatchObject({ ok: true, value: { changed: true, alert: { acknowledgedBy: 'o-north' } } });
    expect(await acknowledgeAlert(deps(), alert.alertId, officerNorth)).toMatchObject({
      ok: true,
      value: { changed: false },
    });
    const audit = await records.query('audit', 'audit#chain');
    expect(audit.records.map((r) => [r.action, r.actor, r.subject])).toEqual([
      ['alert.acknowledged', 'officer:o-north', `alert/${alert.alertId}`],
    ]);
  });
});

describe('escalation', () => {
  it('escalates an unacknowledged critical alert after its deadline, once', async () => {
    const { alert } = await raiseAlert(deps(), signal());
    expect(await escalateOverdue(deps(), now + alerting.escalateCriticalAfterMs - 1)).toEqual([]);
    const escalated = await escalateOverdue(deps(), now + alerting.escalateCriticalAfterMs);
    expect(escalated.map((a) => a.alertId)).toEqual([alert.alertId]);
    expect(await escalateOverdue(deps(), now + 10 * alerting.escalateCriticalAfterMs)).toEqual([]);
  });

  it('never escalates an acknowledged alert', async () => {
    const { alert } = await raiseAlert(deps(), signal());
    await acknowledgeAlert(deps(), alert.alertId, officerNorth);
    expect(await escalateOverdue(deps(), now + 10 * alerting.escalateCriticalAfterMs)).toEqual([]);
  });
});

describe('notifying officers', () => {
  const officer = (
    officerId: string,
    regionId: string,
    minSeverity: 'info' | 'warning' | 'critical' = 'warning',
  ) => ({
    officerId,
    regionId,
    phone: '+919800000001',
    email: `${officerId}@example.org`,
    notifyBy: ['sms', 'email'] as ('sms' | 'email')[],
    minSeverity,
  });
  const notifyDeps = () => ({ records, clock, alerting, notifier: new OutboxNotifier({ records, clock }) });

  beforeEach(async () => {
    await registerOfficer(records, officer('o-north', 'north'));
    await registerOfficer(records, officer('o-north-2', 'north', 'critical'));
    await registerOfficer(records, officer('o-south', 'south'));
    await registerOfficer(records, officer('o-desk', 'national'));
  });

  it("tells the alert region's officers and no one else", async () => {
    const { alert } = await raiseAlert(deps(), signal());
    await notifyOfficers(notifyDeps(), alert);
    const outbox = await readOutbox(records);
    expect(outbox.map((e) => e.officerId).sort()).toEqual(['o-north', 'o-north-2']);
    expect(outbox[0]!.sms.length).toBeLessThanOrEqual(160);
    expect(outbox[0]!.attributes).toMatchObject({ region: 'north', severity: 'critical' });
  });

  it('spares an officer warnings below their minimum severity', async () => {
    const { alert } = await raiseAlert(deps(), signal({ kind: 'machine-silent', severity: 'warning' }));
    await notifyOfficers(notifyDeps(), alert);
    expect((await readOutbox(records)).map((e) => e.officerId)).toEqual(['o-north']);
  });

  it('throttles warnings per officer but never a critical alert', async () => {
    for (let i = 0; i < alerting.maxPerOfficer + 3; i++) {
      const { alert } = await raiseAlert(
        deps(),
        signal({
          kind: 'machine-silent',
          severity: 'warning',
          subject: { regionId: 'north', machineId: `m${i}` },
        }),
      );
      await notifyOfficers(notifyDeps(), alert);
    }
    expect(await readOutbox(records)).toHaveLength(alerting.maxPerOfficer);
    const { alert } = await raiseAlert(
      deps(),
      signal({ kind: 'sos', subject: { regionId: 'north', boothId: 'b7' } }),
    );
    const outcome = await notifyOfficers(notifyDeps(), alert);
    expect(outcome.notified).toContain('o-north');
  });

  it('brings the national desk in on escalation', async () => {
    const { alert } = await raiseAlert(deps(), signal());
    await notifyOfficers(notifyDeps(), { ...alert, escalated: true }, true);
    expect((await readOutbox(records)).map((e) => e.officerId).sort()).toEqual([
      'o-desk',
      'o-north',
      'o-north-2',
    ]);
  });

  it('matches filter policies as SNS does, a String.Array on any element', () => {
    const policy = officerFilterPolicy(officer('o-north', 'north'));
    expect(
      matchesFilterPolicy(policy, { region: 'north', severity: 'critical', officers: ['x', 'o-north'] }),
    ).toBe(true);
    expect(
      matchesFilterPolicy(policy, {
        region: ['south', 'national'],
        severity: 'critical',
        officers: ['o-north'],
      }),
    ).toBe(false);
    expect(matchesFilterPolicy(policy, { region: 'north', severity: 'info', officers: ['o-north'] })).toBe(
      false,
    );
  });
});

describe('the SMS text', () => {
  const base: Alert = {
    alertId: 'a-lz3k9-0a1b2c3d',
    kind: 'sos',
    severity: 'critical',
    region: 'north',
    booth: 'booth-1-1-1',
    machine: 'm-1-1-1',
    evidence: {},
    firstSeen: T0,
    lastSeen: T0,
    count: 1,
    escalated: false,
  };

  it('says what, where and what to do within 160 characters', () => {
    const text = smsText(base);
    expect(text).toBe(
      'CRITICAL: SOS at booth-1-1-1, machine m-1-1-1, north. Machines blocked. Call booth, send team. Ack a-lz3k9-0a1b2c3d',
    );
    expect(text.length).toBeLessThanOrEqual(160);
  });

  it('stays within 160 characters for every kind with the longest ids', () => {
    const long = 'x'.repeat(64);
    for (const kind of ['sos', 'vote-rate', 'off-geofence', 'reconnect-storm', 'unheard-of-kind']) {
      const text = smsText({ ...base, kind, booth: long, machine: `${long}-m`, region: long }, true);
      expect(text.length, kind).toBeLessThanOrEqual(160);
      expect(text).toContain(`Ack ${base.alertId}`);
    }
  });
});
