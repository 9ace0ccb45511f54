import { jobTopics, parseWaves, rolloutPlan, updateJobDocumentSchema } from '@ballotstream/gateway/ota';
import { describe, expect, it } from 'vitest';
import { waveJobs } from './ota';

const machines = Array.from({ length: 200 }, (_, i) => `m-${i}`);
const plan = rolloutPlan('gw-1-1-0', { version: '1.1.0' }, machines, parseWaves('1%,10%,100%', 20, 5), 45);
const location = {
  bucket: 'updates-bucket',
  region: 'ap-south-1',
  prefix: 'gateway/1.1.0',
  artifactName: 'gateway.mjs',
};
const jobs = waveJobs('national', plan, location, 'arn:aws:iam::123456789012:role/GatewayUpdateUrlRole');

describe('a rollout as IoT Jobs', () => {
  it('makes a job per wave on a group of exactly that wave’s machines', () => {
    expect(jobs.map((j) => j.createJob.jobId)).toEqual(['gw-1-1-0-w1', 'gw-1-1-0-w2', 'gw-1-1-0-w3']);
    expect(jobs.map((j) => j.things.length)).toEqual([2, 18, 180]);
    expect(new Set(jobs.flatMap((j) => j.things)).size).toBe(200);
    for (const job of jobs) expect(job.createJob.jobId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('aborts each wave at its threshold, never asking for more executions than the wave has', () => {
    expect(jobs.map((j) => j.createJob.abortConfig.criteriaList[0])).toEqual([
      { failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 20, minNumberOfExecutedThings: 2 },
      { failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 20, minNumberOfExecutedThings: 5 },
      { failureType: 'ALL', action: 'CANCEL', thresholdPercentage: 20, minNumberOfExecutedThings: 5 },
    ]);
    expect(jobs[0]!.createJob.timeoutConfig.inProgressTimeoutInMinutes).toBe(45);
  });

  it('points the gateway at the package through pre-signed URLs it can parse as an update document', () => {
    const document = updateJobDocumentSchema.parse(JSON.parse(jobs[0]!.createJob.document));
    expect(document.manifestUrl).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT Jobs placeholder, replaced by IoT, not by JavaScript.
      '${aws:iot:s3-presigned-url:https://s3.ap-south-1.amazonaws.com/updates-bucket/gateway/1.1.0/manifest.json}',
    );
    expect(document.artifactUrl).toMatch(/gateway\/1\.1\.0\/gateway\.mjs\}$/);
    expect(jobs[0]!.createJob.presignedUrlConfig.roleArn).toMatch(/GatewayUpdateUrlRole$/);
    expect(jobTopics.update('m-0', jobs[0]!.createJob.jobId)).toBe('$aws/things/m-0/jobs/gw-1-1-0-w1/update');
  });
});
