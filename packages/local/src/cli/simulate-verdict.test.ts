import { describe, expect, it } from 'vitest';
import {
  FALSE_WARNING_LIMIT,
  falseAlertCounts,
  type ReportForVerdict,
  simulationVerdict,
} from './simulate-verdict';

const clean: ReportForVerdict = {
  tally: { equal: true },
  incidents: [{ kind: 'sos', subject: 'm-1', detected: true }],
  falseAlerts: [],
  closeOfPoll: { certified: 3, constituencies: 3, bulletin: { verified: true } },
};

const warnings = (n: number) =>
  Array.from({ length: n }, () => ({ rule: 'machine-offline', severity: 'warning' as const }));

describe('the verdict on a simulated day', () => {
  it('passes a clean day and prints both counts with their limits', () => {
    const verdict = simulationVerdict(clean, { maxFalseWarnings: 5 });
    expect(verdict.passed).toBe(true);
    expect(verdict.summary).toContain('false criticals 0 (limit 0)');
    expect(verdict.summary).toContain('false warnings 0 (limit 5');
  });

  it('fails a day with a missed incident, naming it', () => {
    const verdict = simulationVerdict(
      { ...clean, incidents: [{ kind: 'booth-capture', subject: 'b-9', detected: false }] },
      { maxFalseWarnings: 5 },
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.failures).toEqual(['incident missed: booth-capture at b-9']);
  });

  it('fails a day with more false warnings than the limit, but not one at the limit', () => {
    expect(simulationVerdict({ ...clean, falseAlerts: warnings(5) }, { maxFalseWarnings: 5 }).passed).toBe(
      true,
    );
    const over = simulationVerdict({ ...clean, falseAlerts: warnings(6) }, { maxFalseWarnings: 5 });
    expect(over.failures).toEqual(['6 false warnings, above the limit of 5']);
  });

  it('fails a day with a single false critical alert whatever the warning limit', () => {
    const verdict = simulationVerdict(
      { ...clean, falseAlerts: [{ rule: 'vote-rate', severity: 'critical' }] },
      { maxFalseWarnings: 100 },
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.failures).toEqual(['1 false critical alert (vote-rate 1)']);
  });

  it('counts false alerts by severity and names the rules of each', () => {
    const counts = falseAlertCounts([
      { rule: 'vote-rate', severity: 'critical' },
      { rule: 'vote-rate', severity: 'critical' },
      { rule: 'machine-offline', severity: 'warning' },
      { rule: 'booth-trend', severity: 'info' },
    ]);
    expect(counts).toEqual({
      criticals: 2,
      warnings: 2,
      criticalRules: 'vote-rate 2',
      warningRules: 'machine-offline 1, booth-trend 1',
    });
  });

  it('holds the command line and the demo to one default limit', () => {
    expect(FALSE_WARNING_LIMIT).toBeGreaterThanOrEqual(0);
    expect(FALSE_WARNING_LIMIT).toBeLessThanOrEqual(5);
  });

  it('fails a day whose tally differs or whose bulletin does not verify', () => {
    const verdict = simulationVerdict(
      {
        ...clean,
        tally: { equal: false },
        closeOfPoll: { ...clean.closeOfPoll, bulletin: { verified: false } },
      },
      { maxFalseWarnings: 5 },
    );
    expect(verdict.failures).toHaveLength(2);
  });
});
