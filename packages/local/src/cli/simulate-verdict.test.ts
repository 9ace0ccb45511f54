import { describe, expect, it } from 'vitest';
import { type ReportForVerdict, simulationVerdict } from './simulate-verdict';

const clean: ReportForVerdict = {
  tally: { equal: true },
  incidents: [{ kind: 'sos', subject: 'm-1', detected: true }],
  falseAlerts: [],
  closeOfPoll: { certified: 3, constituencies: 3, bulletin: { verified: true } },
};

describe('the verdict on a simulated day', () => {
  it('passes a clean day and prints the limits it held', () => {
    const verdict = simulationVerdict(clean, { maxFalseAlerts: 5 });
    expect(verdict.passed).toBe(true);
    expect(verdict.summary).toContain('false alerts 0 (limit 5');
  });

  it('fails a day with a missed incident, naming it', () => {
    const verdict = simulationVerdict(
      { ...clean, incidents: [{ kind: 'booth-capture', subject: 'b-9', detected: false }] },
      { maxFalseAlerts: 5 },
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.failures).toEqual(['incident missed: booth-capture at b-9']);
  });

  it('fails a day with more false alerts than the limit, but not one at the limit', () => {
    const alerts = (n: number) => Array.from({ length: n }, () => ({ kind: 'vote-rate' }));
    expect(simulationVerdict({ ...clean, falseAlerts: alerts(5) }, { maxFalseAlerts: 5 }).passed).toBe(true);
    const over = simulationVerdict({ ...clean, falseAlerts: alerts(6) }, { maxFalseAlerts: 5 });
    expect(over.failures).toEqual(['6 false alerts, above the limit of 5']);
  });

  it('fails a day with a single false critical alert whatever the limit', () => {
    const verdict = simulationVerdict(
      { ...clean, falseAlerts: [{ kind: 'vote-rate', severity: 'critical' }] },
      { maxFalseAlerts: 100 },
    );
    expect(verdict.failures).toEqual(['1 false critical alert(s)']);
  });

  it('fails a day whose tally differs or whose bulletin does not verify', () => {
    const verdict = simulationVerdict(
      {
        ...clean,
        tally: { equal: false },
        closeOfPoll: { ...clean.closeOfPoll, bulletin: { verified: false } },
      },
      { maxFalseAlerts: 5 },
    );
    expect(verdict.failures).toHaveLength(2);
  });
});
