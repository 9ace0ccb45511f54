import { randomBytes } from 'node:crypto';
import { type Alert, type AlertSubject, alertSchema, type Severity } from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import type { RecordStore, StoredRecord } from '../../ports/record-store';
import { err, ok, type Result } from '../../result';
import type { Monitoring } from '../anomaly/thresholds';
import { type Actor, auditAction, mayActIn } from '../fleet/audit';
import { recordKeys } from '../shared/keys';
import { partitionPages } from '../shared/pages';

/** The region of alerts that concern the whole country (regions diverging, unknown clients). */
export const NATIONAL = 'national';

/** Something worth an alert: an anomaly, a fleet violation, or an SOS. */
export interface AlertSignal {
  readonly kind: string;
  readonly severity: Severity;
  readonly subject: AlertSubject;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export interface AlertDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly alerting: Monitoring['alerting'];
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** The narrowest thing an alert is about, with its kind: repeats of it are one incident. */
export function subjectKey(kind: string, s: AlertSubject): string {
  return [kind, s.regionId ?? NATIONAL, s.boothId ?? '', s.machineId ?? ''].join('|');
}

function newAlertId(at: number): string {
  return `a-${at.toString(36)}-${randomBytes(4).toString('hex')}`;
}

function alertOf(record: StoredRecord): Alert {
  return alertSchema.parse(record);
}

/**
 * Raises an alert, or counts up the open alert of the same subject when it was last seen within
 * the de-duplication window; only a new alert is `isNew` (and worth telling an officer about).
 */
export async function raiseAlert(
  deps: AlertDeps,
  signal: AlertSignal,
): Promise<{ alert: Alert; isNew: boolean }> {
  const key = recordKeys.alertSubject(subjectKey(signal.kind, signal.subject));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backOff(attempt);
    const open = await deps.records.get('alerts', key);
    if (open !== undefined && signal.at - Number(open.lastSeen) < deps.alerting.dedupeWindowMs) {
      const counted = await countUp(deps, String(open.alertId), signal);
      if (counted !== undefined) {
        await deps.records.update('alerts', key, { lastSeen: Math.max(Number(open.lastSeen), signal.at) });
        return { alert: counted, isNew: false };
      }
    }
    const alert: Alert = {
      alertId: newAlertId(signal.at),
      kind: signal.kind,
      severity: signal.severity,
      region: signal.subject.regionId ?? NATIONAL,
      ...(signal.subject.boothId === undefined ? {} : { booth: signal.subject.boothId }),
      ...(signal.subject.machineId === undefined ? {} : { machine: signal.subject.machineId }),
      evidence: { ...signal.evidence },
      firstSeen: signal.at,
      lastSeen: signal.at,
      count: 1,
      escalated: false,
    };
    // Two raisers of one subject at once: the conditional write lets exactly one open the alert.
    const claimed = await deps.records.put(
      'alerts',
      { ...key, alertId: alert.alertId, lastSeen: alert.lastSeen },
      open === undefined
        ? { kind: 'absent' }
        : { kind: 'field-equals', field: 'alertId', value: String(open.alertId) },
    );
    if (!claimed) continue;
    await deps.records.put('alerts', { ...recordKeys.alert(alert.alertId), ...alert });
    await Promise.all([
      deps.records.put('alerts', {
        ...recordKeys.regionAlert(alert.region, alert.firstSeen, alert.alertId),
        alertId: alert.alertId,
      }),
      deps.records.put('alerts', {
        ...recordKeys.regionAlert('all', alert.firstSeen, alert.alertId),
        alertId: alert.alertId,
      }),
      deps.records.put('alerts', {
        ...recordKeys.openAlert(alert.firstSeen, alert.alertId),
        alertId: alert.alertId,
      }),
    ]);
    return { alert, isNew: true };
  }
  throw new Error(`alert subject ${key.pk} kept changing under ${MAX_ATTEMPTS} attempts`);
}

// A flood of one incident (a thousand SOS presses) makes many raisers race on one record; each
// round one wins, and the losers wait a random, growing moment before reading again.
const MAX_ATTEMPTS = 200;

function backOff(attempt: number): Promise<void> {
  const ceiling = Math.min(50, 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Counts one more signal on an open alert; undefined only when the alert record is gone. */
async function countUp(deps: AlertDeps, alertId: string, signal: AlertSignal): Promise<Alert | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backOff(attempt);
    const record = await deps.records.get('alerts', recordKeys.alert(alertId));
    if (record === undefined) return undefined;
    const alert = alertOf(record);
    const next: Alert = {
      ...alert,
      count: alert.count + 1,
      lastSeen: Math.max(alert.lastSeen, signal.at),
      severity: rank[signal.severity] > rank[alert.severity] ? signal.severity : alert.severity,
      evidence: { ...signal.evidence },
    };
    const written = await deps.records.put(
      'alerts',
      { ...recordKeys.alert(alertId), ...next },
      { kind: 'field-equals', field: 'count', value: alert.count },
    );
    if (written) return next;
  }
  throw new Error(`alert ${alertId} kept changing under ${MAX_ATTEMPTS} attempts`);
}

/** Reads an alert the actor may see; one of another region is not found. */
export async function findAlert(
  records: RecordStore,
  alertId: string,
  actor: Actor,
): Promise<Alert | undefined> {
  const record = await records.get('alerts', recordKeys.alert(alertId));
  if (record === undefined) return undefined;
  const alert = alertOf(record);
  return mayActIn(actor, alert.region) ? alert : undefined;
}

/** Acknowledges an alert for its region's officer or an admin; audited, and idempotent. */
export async function acknowledgeAlert(
  deps: AlertDeps,
  alertId: string,
  actor: Actor,
): Promise<Result<{ alert: Alert; changed: boolean }, 'unknown-alert'>> {
  const alert = await findAlert(deps.records, alertId, actor);
  if (alert === undefined) return err('unknown-alert');
  if (alert.acknowledgedAt !== undefined) return ok({ alert, changed: false });
  const at = deps.clock.now();
  const written = await deps.records.update(
    'alerts',
    recordKeys.alert(alertId),
    { acknowledgedAt: at, acknowledgedBy: actor.subject },
    { kind: 'field-absent', field: 'acknowledgedAt' },
  );
  if (!written) {
    const again = await findAlert(deps.records, alertId, actor);
    return again === undefined ? err('unknown-alert') : ok({ alert: again, changed: false });
  }
  await deps.records.delete('alerts', recordKeys.openAlert(alert.firstSeen, alertId));
  await auditAction(deps, actor, 'alert.acknowledged', `alert/${alertId}`, {
    kind: alert.kind,
    region: alert.region,
  });
  return ok({ alert: { ...alert, acknowledgedAt: at, acknowledgedBy: actor.subject }, changed: true });
}

export interface AlertQuery {
  /** One region; absent means every region the actor may see. */
  readonly region?: string;
  readonly severities?: readonly Severity[];
  readonly status?: 'open' | 'acknowledged' | 'all';
  readonly limit?: number;
}

/** Lists alerts newest first, within the actor's region (an officer sees only their own). */
export async function listAlerts(
  records: RecordStore,
  actor: Actor,
  query: AlertQuery,
): Promise<Result<Alert[], 'forbidden-region'>> {
  const national = actor.role === 'admin';
  let region = query.region ?? (national ? 'all' : actor.regionId);
  if (region === undefined) return err('forbidden-region');
  if (!national && region !== actor.regionId) return err('forbidden-region');
  if (region === 'all' && !national) region = actor.regionId ?? '';
  const limit = Math.min(query.limit ?? 100, 500);
  const out: Alert[] = [];
  for await (const page of partitionPages(records, 'alerts', recordKeys.regionAlertsPartition(region), {
    limit: 100,
  })) {
    const alerts = await Promise.all(
      page.map((r) => records.get('alerts', recordKeys.alert(String(r.alertId)))),
    );
    for (const record of alerts) {
      if (record === undefined) continue;
      const alert = alertOf(record);
      if (query.severities !== undefined && !query.severities.includes(alert.severity)) continue;
      const status = query.status ?? 'all';
      if (status === 'open' && alert.acknowledgedAt !== undefined) continue;
      if (status === 'acknowledged' && alert.acknowledgedAt === undefined) continue;
      out.push(alert);
      if (out.length >= limit) return ok(out);
    }
  }
  return ok(out);
}

/** Marks every open alert past its severity's deadline as escalated; returns those it marked. */
export async function escalateOverdue(deps: AlertDeps, now: number): Promise<Alert[]> {
  const escalated: Alert[] = [];
  const open = partitionPages(deps.records, 'alerts', recordKeys.openAlertsPartition(), { limit: 200 });
  for await (const page of open) {
    for (const entry of page) {
      const record = await deps.records.get('alerts', recordKeys.alert(String(entry.alertId)));
      if (record === undefined) continue;
      const alert = alertOf(record);
      if (alert.acknowledgedAt !== undefined) {
        await deps.records.delete('alerts', { pk: entry.pk, sk: entry.sk });
        continue;
      }
      if (alert.escalated) continue;
      const deadline =
        alert.severity === 'critical'
          ? deps.alerting.escalateCriticalAfterMs
          : alert.severity === 'warning'
            ? deps.alerting.escalateWarningAfterMs
            : undefined;
      if (deadline === undefined || now - alert.firstSeen < deadline) continue;
      const marked = await deps.records.update(
        'alerts',
        recordKeys.alert(alert.alertId),
        { escalated: true },
        { kind: 'field-equals', field: 'escalated', value: false },
      );
      if (marked) escalated.push({ ...alert, escalated: true });
    }
  }
  return escalated;
}

/**
 * Clears the open alert of a subject once its cause is gone (a dependency back up): it is marked
 * acknowledged by `clearedBy`, leaves the open list (no escalation), and the subject's next
 * signal opens a new alert rather than counting up the old one. Nothing open: nothing done.
 */
export async function clearAlert(
  deps: Pick<AlertDeps, 'records' | 'clock'>,
  kind: string,
  subject: AlertSubject,
  clearedBy: string,
): Promise<Alert | undefined> {
  const key = recordKeys.alertSubject(subjectKey(kind, subject));
  const open = await deps.records.get('alerts', key);
  if (open === undefined) return undefined;
  const alertId = String(open.alertId);
  const record = await deps.records.get('alerts', recordKeys.alert(alertId));
  await deps.records.delete('alerts', key);
  if (record === undefined) return undefined;
  const alert = alertOf(record);
  if (alert.acknowledgedAt !== undefined) return undefined;
  const at = deps.clock.now();
  await deps.records.update(
    'alerts',
    recordKeys.alert(alertId),
    { acknowledgedAt: at, acknowledgedBy: clearedBy },
    { kind: 'field-absent', field: 'acknowledgedAt' },
  );
  await deps.records.delete('alerts', recordKeys.openAlert(alert.firstSeen, alertId));
  return { ...alert, acknowledgedAt: at, acknowledgedBy: clearedBy };
}
