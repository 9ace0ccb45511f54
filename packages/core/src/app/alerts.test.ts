import { alertAcknowledged, alertEscalated } from '@ballotstream/events';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryRecordStore } from '../adapters/local/memory-record-store';
import { OutboxNotifier, readOutbox } from '../adapters/local/outbox-notifier';
import { type Config, configSchema } from '../config';
import { raiseAlert } from '../domain/alerts/alerts';
import { registerOfficer } from '../domain/alerts/notify';
import { recordAuditLog } from '../domain/audit/record-audit-log';
import { alertUseCases } from './alerts';

const config: Config = configSchema.parse({});
const { alerting } = config.monitoring;
const T0 = 1_800_000_000_000;
let now = T0;
const clock = { now: () => now };
let records: MemoryRecordStore;
let alerts: ReturnType<typeof alertUseCases>;

const north = { subject: 'o-north', role: 'officer', regionId: 'north' };
const south = { subject: 'o-south', role: 'officer', regionId: 'south' };
const admin = { subject: 'root', role: 'admin' };

const raise = (severity: 'warning' | 'critical', machineId = 'm1') =>
  raiseAlert(
    { records, clock, alerting },
    {
      kind: severity === 'critical' ? 'off-geofence' : 'machine-silent',
      severity,
      subject: { regionId: 'north', boothId: 'b1', machineId },
      evidence: {},
      at: now,
    },
  );

const officer = (officerId: string, regionId: string) => ({
  officerId,
  regionId,
  phone: '+919800000001',
  email: `${officerId}@example.org`,
  notifyBy: ['sms', 'email'] as ('sms' | 'email')[],
  minSeverity: 'warning' as const,
});

beforeEach(async () => {
  now = T0;
  records = new MemoryRecordStore();
  alerts = alertUseCases({ records, clock, notifier: new OutboxNotifier({ records, clock }) }, config);
  await registerOfficer(records, officer('o-north', 'north'));
  await registerOfficer(records, officer('o-desk', 'national'));
});

describe('the alerts use cases', () => {
  it("list an officer's own region and refuse another's", async () => {
    await raise('critical');
    const own = await alerts.list(north, {});
    expect(own.ok && own.value.map((a) => a.region)).toEqual(['north']);
    expect(await alerts.list(south, { region: 'north' })).toEqual({ ok: false, error: 'forbidden-region' });
    const theirs = await alerts.list(south, {});
    expect(theirs.ok && theirs.value).toEqual([]);
  });

  it('announce the first acknowledgement only, audited, and treat another region as absent', async () => {
    const { alert } = await raise('critical');
    now += 5_000;
    const first = await alerts.acknowledge(alert.alertId, north);
    expect(first.result).toMatchObject({ ok: true, value: { changed: true } });
    expect(first.events).toEqual([
      expect.objectContaining({
        detailType: alertAcknowledged.type,
        detail: {
          alertId: alert.alertId,
          region: 'north',
          by: 'officer:o-north',
          at: new Date(now).toISOString(),
        },
      }),
    ]);
    const again = await alerts.acknowledge(alert.alertId, admin);
    expect(again.result).toMatchObject({ ok: true, value: { changed: false } });
    expect(again.events).toEqual([]);
    const elsewhere = await alerts.acknowledge(alert.alertId, south);
    expect(elsewhere.result).toEqual({ ok: false, error: 'unknown-alert' });
    expect(elsewhere.events).toEqual([]);
    const audit = await recordAuditLog(records).read(1, 10);
    expect(audit.map((e) => e.action)).toEqual(['alert.acknowledged']);
  });

  it('escalate an unacknowledged critical alert past its deadline once, announcing it', async () => {
    const { alert } = await raise('critical');
    expect(await alerts.escalate(now + alerting.escalateCriticalAfterMs - 1)).toMatchObject({
      result: { escalated: 0 },
      events: [],
    });
    const due = await alerts.escalate(now + alerting.escalateCriticalAfterMs);
    expect(due.result).toEqual({ escalated: 1 });
    expect(due.events.map((e) => [e.detailType, (e.detail as { alertId: string }).alertId])).toEqual([
      [alertEscalated.type, alert.alertId],
    ]);
    expect((await alerts.escalate(now + 10 * alerting.escalateCriticalAfterMs)).result).toEqual({
      escalated: 0,
    });
  });

  it("tell the region's officers of a raised alert, and the national desk too once escalated", async () => {
    const { alert } = await raise('critical');
    expect((await alerts.notify(alert)).notified).toEqual(['o-north']);
    const escalated = await alerts.notifyEscalated({ ...alert, escalated: true });
    expect([...escalated.notified].sort()).toEqual(['o-desk', 'o-north']);
    expect((await readOutbox(records)).map((e) => e.officerId).sort()).toEqual([
      'o-desk',
      'o-north',
      'o-north',
    ]);
  });
});
