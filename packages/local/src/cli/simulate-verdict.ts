/** The parts of a simulation report its exit code depends on; the simulator's report has them all. */
export interface ReportForVerdict {
  readonly tally: { readonly equal: boolean };
  readonly incidents: readonly {
    readonly kind: string;
    readonly subject: string;
    readonly detected: boolean;
  }[];
  readonly falseAlerts: readonly { readonly kind: string; readonly severity?: string }[];
  readonly closeOfPoll: {
    readonly certified: number;
    readonly constituencies: number;
    readonly bulletin: { readonly verified: boolean };
  };
}

/** What a run is held to: false alerts above `maxFalseAlerts`, or any false critical, fail it. */
export interface VerdictLimits {
  readonly maxFalseAlerts: number;
}

/** Whether a simulated day passed, and each reason it did not, for the exit code and the last lines. */
export interface Verdict {
  readonly passed: boolean;
  readonly failures: readonly string[];
  readonly summary: string;
}

/**
 * Judges a simulation report: a tally unequal to the ground truth, a missed incident, a false
 * critical alert, more false alerts than the limit, an uncertified constituency or an unverified
 * bulletin each fail the run.
 */
export function simulationVerdict(report: ReportForVerdict, limits: VerdictLimits): Verdict {
  const failures: string[] = [];
  if (!report.tally.equal) failures.push('the tally differs from the ground truth');
  for (const i of report.incidents.filter((i) => !i.detected))
    failures.push(`incident missed: ${i.kind} at ${i.subject}`);
  // The report names a false alert's severity when the simulator records it; without it none counts here.
  const criticals = report.falseAlerts.filter((a) => a.severity === 'critical').length;
  if (criticals > 0) failures.push(`${criticals} false critical alert(s)`);
  const falseAlerts = report.falseAlerts.length;
  if (falseAlerts > limits.maxFalseAlerts)
    failures.push(`${falseAlerts} false alerts, above the limit of ${limits.maxFalseAlerts}`);
  const c = report.closeOfPoll;
  if (c.certified < c.constituencies)
    failures.push(`${c.constituencies - c.certified} constituencies not certified`);
  if (!c.bulletin.verified) failures.push('the public bulletin does not verify');
  const summary =
    `false alerts ${falseAlerts} (limit ${limits.maxFalseAlerts}, --max-false-alerts), ` +
    `false criticals ${criticals} (limit 0): ${failures.length === 0 ? 'PASS' : `FAIL\n  ${failures.join('\n  ')}`}`;
  return { passed: failures.length === 0, failures, summary };
}
