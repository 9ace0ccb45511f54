import type { Severity } from '@ballotstream/events';

/** The parts of a simulation report its exit code depends on; the simulator's report has them all. */
export interface ReportForVerdict {
  readonly tally: { readonly equal: boolean };
  readonly incidents: readonly {
    readonly kind: string;
    readonly subject: string;
    readonly detected: boolean;
  }[];
  readonly falseAlerts: readonly { readonly rule: string; readonly severity: Severity }[];
  readonly closeOfPoll: {
    readonly certified: number;
    readonly constituencies: number;
    readonly bulletin: { readonly verified: boolean };
  };
}

/**
 * False warnings a clean day may raise before `simulate` fails, unless `--max-false-warnings`
 * says otherwise; the demo and the simulator's test are held to the same number. A false
 * critical is never allowed.
 */
export const FALSE_WARNING_LIMIT = 5;

/** What a run is held to: false warnings above `maxFalseWarnings`, or any false critical, fail it. */
export interface VerdictLimits {
  readonly maxFalseWarnings: number;
}

/** Whether a simulated day passed, and each reason it did not, for the exit code and the last lines. */
export interface Verdict {
  readonly passed: boolean;
  readonly failures: readonly string[];
  readonly summary: string;
}

/** False alerts counted by severity (info counts as a warning), with each side's rules and counts. */
export function falseAlertCounts(alerts: readonly { readonly rule: string; readonly severity: Severity }[]) {
  const byRule = (critical: boolean) => {
    const counts = new Map<string, number>();
    for (const a of alerts)
      if ((a.severity === 'critical') === critical) counts.set(a.rule, (counts.get(a.rule) ?? 0) + 1);
    return [...counts].map(([rule, n]) => `${rule} ${n}`).join(', ');
  };
  const criticals = alerts.filter((a) => a.severity === 'critical').length;
  return {
    criticals,
    warnings: alerts.length - criticals,
    criticalRules: byRule(true),
    warningRules: byRule(false),
  };
}

/**
 * Judges a simulation report: a tally unequal to the ground truth, a missed incident, a false
 * critical alert, more false warnings than the limit, an uncertified constituency or an
 * unverified bulletin each fail the run.
 */
export function simulationVerdict(report: ReportForVerdict, limits: VerdictLimits): Verdict {
  const failures: string[] = [];
  if (!report.tally.equal) failures.push('the tally differs from the ground truth');
  for (const i of report.incidents.filter((i) => !i.detected))
    failures.push(`incident missed: ${i.kind} at ${i.subject}`);
  const counts = falseAlertCounts(report.falseAlerts);
  if (counts.criticals > 0)
    failures.push(
      `${counts.criticals} false critical alert${counts.criticals === 1 ? '' : 's'} (${counts.criticalRules})`,
    );
  if (counts.warnings > limits.maxFalseWarnings)
    failures.push(`${counts.warnings} false warnings, above the limit of ${limits.maxFalseWarnings}`);
  const c = report.closeOfPoll;
  if (c.certified < c.constituencies)
    failures.push(`${c.constituencies - c.certified} constituencies not certified`);
  if (!c.bulletin.verified) failures.push('the public bulletin does not verify');
  const summary =
    `false criticals ${counts.criticals} (limit 0), ` +
    `false warnings ${counts.warnings} (limit ${limits.maxFalseWarnings}, --max-false-warnings): ` +
    `${failures.length === 0 ? 'PASS' : `FAIL\n  ${failures.join('\n  ')}`}`;
  return { passed: failures.length === 0, failures, summary };
}
