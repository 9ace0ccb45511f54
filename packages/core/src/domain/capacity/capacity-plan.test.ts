import { describe, expect, it } from 'vitest';
import { planCapacity, renderCapacityPlan } from './capacity-plan';

// 720,000 voters at 50% turnout cast 360,000 votes; over 10 hours that is 10 votes/s on average.
const small = { voters: 720_000, turnout: 0.5, booths: 1_000, machinesPerBooth: 1, hours: 10, peakFactor: 3 };

function need(plan: ReturnType<typeof planCapacity>, metric: string): number {
  const line = plan.lines.find((l) => l.metric === metric);
  if (line === undefined) throw new Error(`no line ${metric}`);
  return line.need;
}

describe('the capacity plan', () => {
  it('works out votes, the average and the peak by hand', () => {
    const plan = planCapacity(small);
    expect(plan.votes).toBe(360_000);
    expect(plan.averageVotesPerSecond).toBeCloseTo(10, 10);
    expect(plan.peakVotesPerSecond).toBeCloseTo(30, 10);
    expect(plan.machineCeilingPerSecond).toBeCloseTo(1000 * (5 / 60), 10);
    expect(plan.peakCappedByMachines).toBe(false);
  });

  it('sizes each service from the peak', () => {
    const plan = planCapacity(small);
    expect(need(plan, 'requests/s (verifications)')).toBeCloseTo(33, 10); // 30 × 1.1
    expect(need(plan, 'inbound publishes/s (votes + position fixes)')).toBeCloseTo(30 + 1000 / 60, 10);
    expect(need(plan, 'concurrent connections (machines)')).toBe(1000);
    expect(need(plan, 'PutEvents requests/s')).toBeCloseTo(60, 10);
    expect(need(plan, 'concurrency verifyVoter')).toBeCloseTo(33 * 0.05, 10);
    expect(need(plan, 'concurrency, primary region total')).toBeCloseTo(
      1.65 + 0.9 + 0.6 + (1000 / 60) * 0.02,
      10,
    );
    expect(need(plan, 'ballots write units/s (on-demand)')).toBeCloseTo(60, 10);
    expect(need(plan, 'commands/s')).toBeCloseTo(99, 10);
    expect(plan.lines.filter((l) => l.exceedsDefault)).toEqual([]);
  });

  it('prices the day by hand', () => {
    const plan = planCapacity(small);
    const cost = (item: string) => plan.costs.find((c) => c.item === item)?.usd;
    // 360,000 votes + 1,000 machines × 840 fixes (14 h at one a minute) = 1.2M messages at $1/M.
    expect(cost('IoT Core messages')).toBeCloseTo(1.2, 10);
    // Writes: voters 360k×2 regions + ballots 720k×2 + ledger 360k + tallies 18k = 2.538M at $0.625/M.
    expect(cost('DynamoDB writes (replicated tables twice)')).toBeCloseTo(1.58625, 10);
    // Lambda: 61,800 GB-s at $0.0000133334.
    expect(cost('Lambda compute')).toBeCloseTo(61_800 * 0.0000133334, 10);
    // One shard and its replica for 24 h at $0.219.
    expect(cost('ElastiCache nodes, 24 h')).toBeCloseTo(10.512, 10);
    expect(plan.totalUsd).toBeCloseTo(17.073654, 4);
  });

  it('caps the peak at what the machines can cast', () => {
    const plan = planCapacity({ ...small, booths: 60 });
    expect(plan.peakVotesPerSecond).toBeCloseTo(5, 10);
    expect(plan.peakCappedByMachines).toBe(true);
  });

  it('marks the national election’s quotas that must be raised', () => {
    const plan = planCapacity({
      voters: 970_000_000,
      turnout: 0.67,
      booths: 1_050_000,
      machinesPerBooth: 1,
      hours: 11,
      peakFactor: 3,
    });
    expect(plan.votes).toBeCloseTo(649_900_000, 0);
    expect(plan.averageVotesPerSecond).toBeCloseTo(649_900_000 / 39_600, 6);
    expect(plan.peakVotesPerSecond).toBeCloseTo((649_900_000 / 39_600) * 3, 6);
    const raised = plan.lines.filter((l) => l.exceedsDefault).map((l) => l.metric);
    expect(raised).toEqual(
      expect.arrayContaining([
        'requests/s (verifications)',
        'inbound publishes/s (votes + position fixes)',
        'concurrent connections (machines)',
        'PutEvents requests/s',
        'concurrency, primary region total',
        'ballots write units/s (on-demand)',
      ]),
    );
    expect(renderCapacityPlan(plan)).toMatch(/RAISE/);
  });
});
