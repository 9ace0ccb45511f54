import { jobTopics, nextExecutionSchema, parseWaves, rolloutPlan } from '@ballotstream/gateway/ota';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBroker } from '../../src/mqtt/broker';
import { LocalJobs, type RolloutStatus } from '../../src/ota/local-jobs';

type Answer = 'SUCCEEDED' | 'FAILED' | 'silent';

let broker: LocalBroker | undefined;
const devices: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.endAsync(true)));
  await broker?.close();
  broker = undefined;
});

/** A broker with the jobs stand-in, and a device per machine answering its job as told. */
async function fleet(answers: Record<string, Answer>) {
  const changes: RolloutStatus[] = [];
  const jobs = new LocalJobs(
    (topic, payload) => broker!.publish(topic, payload),
    Date.now,
    (s) => changes.push(s),
  );
  broker = new LocalBroker({ rules: [jobs.rule()] });
  const url = await broker.listen();
  const notified: string[] = [];
  for (const [thing, answer] of Object.entries(answers)) {
    const device = await mqtt.connectAsync(url, { clientId: thing, reconnectPeriod: 0 });
    devices.push(device);
    await device.subscribeAsync(jobTopics.notifyNext(thing), { qos: 1 });
    device.on('message', (_topic, payload) => {
      const execution = nextExecutionSchema.parse(JSON.parse(payload.toString())).execution;
      if (execution === undefined || execution.status !== 'QUEUED') return;
      notified.push(thing);
      if (answer === 'silent') return;
      void device
        .publishAsync(
          jobTopics.update(thing, execution.jobId),
          JSON.stringify({ status: answer, statusDetails: { version: '1.1.0' } }),
          { qos: 1 },
        )
        .catch(() => undefined);
    });
  }
  return { jobs, changes, notified };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const machines = Array.from({ length: 10 }, (_, i) => `m-${String(i + 1).padStart(2, '0')}`);

describe('a rollout in waves on the IoT Jobs stand-in', () => {
  it('aborts a wave once its failure share reaches the threshold, and starts no later wave', async () => {
    // Wave 1 (m-01, m-02) succeeds; in wave 2 (m-03..m-06) three fail while the rest stay silent.
    const answers: Record<string, Answer> = Object.fromEntries(machines.map((m) => [m, 'silent']));
    Object.assign(answers, {
      'm-01': 'SUCCEEDED',
      'm-02': 'SUCCEEDED',
      'm-03': 'FAILED',
      'm-04': 'FAILED',
      'm-05': 'FAILED',
    });
    const { jobs, notified } = await fleet(answers);
    const plan = rolloutPlan('gw-1-1-0', { version: '1.1.0' }, machines, parseWaves('20%,60%,100%', 50, 3));
    await jobs.start(plan);
    await until(() => jobs.status('gw-1-1-0')?.status === 'aborted', 'the abort');
    const status = jobs.status('gw-1-1-0')!;
    expect(status.waves.map((w) => w.verdict)).toEqual(['succeeded', 'aborted', 'not-started']);
    expect(status.waves[1]!.counts).toMatchObject({ FAILED: 3, CANCELED: 1, SUCCEEDED: 0 });
    // The third wave's machines were never told of the job.
    expect(notified.filter((m) => machines.indexOf(m) >= 6)).toEqual([]);
  });

  it('goes on past a wave whose failures stay under the threshold', async () => {
    const answers: Record<string, Answer> = Object.fromEntries(machines.map((m) => [m, 'SUCCEEDED']));
    answers['m-04'] = 'FAILED';
    const { jobs } = await fleet(answers);
    await jobs.start(rolloutPlan('gw-1-2-0', {}, machines, parseWaves('20%,60%,100%', 50, 3)));
    await until(() => jobs.status('gw-1-2-0')?.status === 'succeeded', 'the last wave');
    const waves = jobs.status('gw-1-2-0')!.waves;
    expect(waves.map((w) => w.verdict)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(waves[1]!.counts).toMatchObject({ SUCCEEDED: 3, FAILED: 1 });
  });

  it('refuses a malformed status report with its reason, and a report on a finished execution', async () => {
    const { jobs } = await fleet({ 'm-01': 'SUCCEEDED' });
    await jobs.start(rolloutPlan('gw-1-3-0', {}, ['m-01'], parseWaves('100%', 50, 1)));
    await until(() => jobs.status('gw-1-3-0')?.status === 'succeeded', 'the rollout');
    const device = devices[0]!;
    await device.publishAsync(jobTopics.update('m-01', 'gw-1-3-0-w1'), JSON.stringify({ status: 'DONE' }), {
      qos: 1,
    });
    await device.publishAsync(jobTopics.update('m-01', 'gw-1-3-0-w1'), JSON.stringify({ status: 'FAILED' }), {
      qos: 1,
    });
    await until(() => jobs.refused().length === 2, 'both refusals');
    expect(jobs.refused().map((r) => r.reason)).toEqual([
      expect.stringMatching(/^InvalidRequest: status/),
      expect.stringMatching(/^InvalidStateTransition/),
    ]);
    expect(jobs.status('gw-1-3-0')!.waves[0]!.counts.SUCCEEDED).toBe(1);
  });
});
