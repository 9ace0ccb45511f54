import { type Alert, alertActionOf, alertTitleOf, type Severity } from '@ballotstream/events';
import type { Clock } from '../../ports/clock';
import type { MessageAttribute, Notification, Notifier } from '../../ports/notifier';
import type { RecordStore } from '../../ports/record-store';
import type { Monitoring } from '../anomaly/thresholds';
import { allEntities } from '../registry/registry-records';
import { recordKeys } from '../shared/keys';
import { NATIONAL } from './alerts';

/** An officer as notifications need them. */
export interface OfficerContact {
  readonly officerId: string;
  readonly regionId: string;
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly notifyBy: readonly ('sms' | 'email')[];
  readonly minSeverity: Severity;
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Registers an officer as a registry entity (tests and the demo; the admin API does the same). */
export async function registerOfficer(records: RecordStore, officer: OfficerContact): Promise<void> {
  await records.put('registry', {
    ...recordKeys.registryEntity('officer', officer.officerId),
    name: officer.officerId,
    ...officer,
    version: 1,
    updatedAt: new Date(0).toISOString(),
  });
}

function contactOf(r: Readonly<Record<string, unknown>>): OfficerContact {
  return {
    officerId: String(r.officerId),
    regionId: String(r.regionId),
    ...(typeof r.name === 'string' ? { name: r.name } : {}),
    ...(typeof r.phone === 'string' ? { phone: r.phone } : {}),
    ...(typeof r.email === 'string' ? { email: r.email } : {}),
    notifyBy: Array.isArray(r.notifyBy) ? (r.notifyBy as ('sms' | 'email')[]) : ['sms', 'email'],
    minSeverity: SEVERITIES.includes(r.minSeverity as Severity) ? (r.minSeverity as Severity) : 'warning',
  };
}

/** The officers of a region (the national desk is region `national`). */
export async function officersOf(records: RecordStore, regionId: string): Promise<OfficerContact[]> {
  const out: OfficerContact[] = [];
  for await (const officer of allEntities(records, 'officer', { regionId })) out.push(contactOf(officer));
  return out;
}

/** Reads one officer, or undefined. */
export async function findOfficer(
  records: RecordStore,
  officerId: string,
): Promise<OfficerContact | undefined> {
  const r = await records.get('registry', recordKeys.registryEntity('officer', officerId));
  return r === undefined ? undefined : contactOf(r);
}

/** An SNS subscription filter policy (on message attributes): each key must match one of its values. */
export type FilterPolicy = Readonly<Record<string, readonly string[]>>;

/**
 * The filter policy of an officer's subscription: their region, the severities they take, and
 * their own id, so the per-officer throttle decides who of the region is told. The national desk
 * (region `national`) gets escalations, which carry its region too.
 */
export function officerFilterPolicy(officer: OfficerContact): FilterPolicy {
  const severities = SEVERITIES.filter((s) => rank[s] >= rank[officer.minSeverity]);
  return { region: [officer.regionId], severity: severities, officers: [officer.officerId] };
}

/** Whether a message's attributes pass a filter policy, as SNS decides it (a `String.Array` matches on any element). */
export function matchesFilterPolicy(
  policy: FilterPolicy,
  attributes: Readonly<Record<string, MessageAttribute>>,
): boolean {
  return Object.entries(policy).every(([key, allowed]) => {
    const value = attributes[key];
    if (value === undefined) return false;
    const values = typeof value === 'string' ? [value] : value;
    return values.some((v) => allowed.includes(v));
  });
}

/** What the alert is, in a few words an officer reads at a glance. */
export function alertTitle(alert: Alert): string {
  return alertTitleOf(alert.kind);
}

/** What the officer should do now. */
export function alertAction(alert: Alert): string {
  return alertActionOf(alert.kind);
}

/**
 * The SMS text: severity, what, where, what to do and how to acknowledge, within 160
 * characters. The place is shortened first, because the officer can read it in full by email.
 */
export function smsText(alert: Alert, escalated = false): string {
  const head = `${escalated ? 'ESCALATED ' : ''}${alert.severity.toUpperCase()}: ${alertTitle(alert)}`;
  const tail = `${alertAction(alert)} Ack ${alert.alertId}`;
  const place = [
    alert.booth,
    alert.machine === undefined ? undefined : `machine ${alert.machine}`,
    alert.region,
  ]
    .filter((p) => p !== undefined)
    .join(', ');
  const room = 160 - head.length - tail.length - ' at . '.length;
  const where = place.length <= room ? place : `${place.slice(0, Math.max(0, room - 1))}…`;
  const text = `${head} at ${where}. ${tail}`;
  return text.length <= 160 ? text : `${text.slice(0, 159)}…`;
}

/** The email: a subject line and the full story, with the evidence. */
export function emailOf(alert: Alert, escalated = false): { subject: string; body: string } {
  const where = alert.booth ?? alert.machine ?? alert.region;
  const subject =
    `[${alert.severity.toUpperCase()}]${escalated ? '[ESCALATED]' : ''} ${alertTitle(alert)}: ${where}`.slice(
      0,
      100,
    );
  const lines = [
    `${alertTitle(alert)} (${alert.kind}), severity ${alert.severity}${escalated ? ', escalated: not acknowledged in time' : ''}.`,
    '',
    `Region:      ${alert.region}`,
    `Booth:       ${alert.booth ?? '-'}`,
    `Machine:     ${alert.machine ?? '-'}`,
    `First seen:  ${new Date(alert.firstSeen).toISOString()}`,
    `Last seen:   ${new Date(alert.lastSeen).toISOString()}`,
    `Occurrences: ${alert.count}`,
    '',
    `What to do: ${alertAction(alert)}`,
    `Acknowledge: POST /alerts/${alert.alertId}/ack (or in the monitoring centre).`,
    '',
    'Evidence:',
    JSON.stringify(alert.evidence, null, 2),
  ];
  // SNS email subjects are ASCII only.
  return { subject: subject.replace(/[^\x20-\x7e]/g, '-'), body: lines.join('\n') };
}

export interface NotifyDeps {
  readonly records: RecordStore;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly alerting: Monitoring['alerting'];
}

export interface NotifyOutcome {
  readonly messageId?: string;
  readonly notified: readonly string[];
  /** Officers not told because of their throttle (they still see the alert in the centre). */
  readonly throttled: readonly string[];
}

/**
 * Tells the officers of an alert's region (and, on escalation, the national desk): one SNS
 * message whose attributes name region, severity and the officers within their throttle.
 * Critical alerts and escalations are never throttled.
 */
export async function notifyOfficers(
  deps: NotifyDeps,
  alert: Alert,
  escalated = false,
): Promise<NotifyOutcome> {
  const regional = (await officersOf(deps.records, alert.region)).filter(
    (o) => rank[alert.severity] >= rank[o.minSeverity],
  );
  const national = escalated || alert.region === NATIONAL ? await officersOf(deps.records, NATIONAL) : [];
  const candidates = [...new Map([...regional, ...national].map((o) => [o.officerId, o])).values()];
  const notified: string[] = [];
  const throttled: string[] = [];
  for (const officer of candidates) {
    if (alert.severity === 'critical' || escalated || (await withinThrottle(deps, officer.officerId)))
      notified.push(officer.officerId);
    else throttled.push(officer.officerId);
  }
  if (notified.length === 0) return { notified, throttled };
  const email = emailOf(alert, escalated);
  const notification: Notification = {
    subject: email.subject,
    sms: smsText(alert, escalated),
    email: email.body,
    attributes: {
      // An escalation also carries the national desk's region, so its subscriptions match it.
      region: escalated && alert.region !== NATIONAL ? [alert.region, NATIONAL] : alert.region,
      severity: alert.severity,
      kind: alert.kind,
      alertId: alert.alertId,
      escalated: escalated ? 'true' : 'false',
      officers: notified,
    },
  };
  const messageId = await deps.notifier.publish(notification);
  return { messageId, notified, throttled };
}

/** Counts one notification against an officer's throttle window; false when it is full. */
async function withinThrottle(deps: NotifyDeps, officerId: string): Promise<boolean> {
  const key = recordKeys.officerThrottle(officerId);
  const now = deps.clock.now();
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await deps.records.get('alerts', key);
    const fresh =
      current === undefined || now - Number(current.windowStart) >= deps.alerting.throttleWindowMs;
    const count = fresh ? 0 : Number(current.count);
    if (count >= deps.alerting.maxPerOfficer) return false;
    const written = await deps.records.put(
      'alerts',
      { ...key, windowStart: fresh ? now : Number(current.windowStart), count: count + 1 },
      current === undefined
        ? { kind: 'absent' }
        : { kind: 'field-equals', field: 'count', value: Number(current.count) },
    );
    if (written) return true;
  }
  return false;
}
