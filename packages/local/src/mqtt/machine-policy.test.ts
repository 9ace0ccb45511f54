import { describe, expect, it } from 'vitest';
import { machinePolicy } from './machine-policy';

const policy = machinePolicy('ge');

describe('the local machine policy on IoT Jobs topics', () => {
  it('lets a machine ask for, hear of and report on its own jobs', () => {
    expect(policy.mayPublish('m1', '$aws/things/m1/jobs/start-next')).toBe(true);
    expect(policy.mayPublish('m1', '$aws/things/m1/jobs/gw-1-1-0-w1/update')).toBe(true);
    expect(policy.maySubscribe('m1', '$aws/things/m1/jobs/notify-next')).toBe(true);
    expect(policy.maySubscribe('m1', '$aws/things/m1/jobs/start-next/accepted')).toBe(true);
  });

  it("refuses another machine's jobs, wildcards, and what only the jobs service publishes", () => {
    expect(policy.mayPublish('m1', '$aws/things/m2/jobs/gw-1-1-0-w1/update')).toBe(false);
    expect(policy.maySubscribe('m1', '$aws/things/m2/jobs/notify-next')).toBe(false);
    expect(policy.maySubscribe('m1', '$aws/things/m1/jobs/#')).toBe(false);
    expect(policy.mayPublish('m1', '$aws/things/m1/jobs/notify-next')).toBe(false);
    expect(policy.mayPublish('m1', '$aws/things/m1/jobs/start-next/accepted')).toBe(false);
    expect(policy.mayPublish('m1', '$aws/things/m1/jobs/x/update/accepted')).toBe(false);
  });
});
