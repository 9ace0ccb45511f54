import type { Alert, Severity } from '@ballotstream/events';

const severityRank: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/** Whether an alert is at least as severe as the given level. */
export function atLeast(alert: Alert, min: Severity): boolean {
  return severityRank[alert.severity] >= severityRank[min];
}

/** The machine an alert is about: named by the alert, or by its evidence (an SOS names the booth). */
export function machineOf(a: Alert): string | undefined {
  if (a.machine !== undefined) return a.machine;
  const fromEvidence = a.evidence?.machineId;
  return typeof fromEvidence === 'string' ? fromEvidence : undefined;
}

/** Most severe first, and within a severity the most recently seen first. */
export function bySeverityThenTime(a: Alert, b: Alert): number {
  return severityRank[b.severity] - severityRank[a.severity] || b.lastSeen - a.lastSeen;
}

/** Alerts of one rule at one place, which an officer reads and acknowledges together. */
export interface AlertGroup {
  readonly key: string;
  readonly kind: string;
  /** The booth the alerts are at, else their region. */
  readonly place: string;
  readonly severity: Severity;
  readonly lastSeen: number;
  /** The alerts, most severe and most recent first. */
  readonly alerts: readonly Alert[];
  /** How many times they fired in all, repeats included. */
  readonly occurrences: number;
  readonly open: number;
}

/**
 * Groups alerts by rule and place (booth, else region), each group taking its worst severity and
 * latest time; groups come most severe first, then most recent.
 */
export function groupAlerts(alerts: Iterable<Alert>): AlertGroup[] {
  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    const key = `${a.kind}|${a.booth ?? a.region}`;
    const members = groups.get(key) ?? [];
    members.push(a);
    groups.set(key, members);
  }
  return [...groups.entries()]
    .map(([key, members]): AlertGroup => {
      const sorted = members.sort(bySeverityThenTime);
      const first = sorted[0]!;
      return {
        key,
        kind: first.kind,
        place: first.booth ?? first.region,
        severity: first.severity,
        lastSeen: Math.max(...sorted.map((a) => a.lastSeen)),
        alerts: sorted,
        occurrences: sorted.reduce((n, a) => n + a.count, 0),
        open: sorted.filter((a) => a.acknowledgedAt === undefined).length,
      };
    })
    .sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || b.lastSeen - a.lastSeen);
}
