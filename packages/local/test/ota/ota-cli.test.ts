import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jobTopics, nextExecutionSchema } from '@ballotstream/gateway/ota';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/runtime/runtime';

const cli = resolve(import.meta.dirname, '../../src/cli.ts');
const tsx = pathToFileURL(resolve(import.meta.dirname, '../../../../node_modules/tsx/dist/loader.mjs')).href;
const root = mkdtempSync(join(tmpdir(), 'ota-cli-'));
const dataDir = join(root, 'data');
let runtime: Runtime;
const devices: MqttClient[] = [];
const notified: string[] = [];

/** Runs the command line to its end (asynchronously, so the runtime in this process keeps serving). */
function ballotstream(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args, '--data-dir', dataDir], {
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((done) => child.on('exit', (status) => done({ status, stdout, stderr })));
}

beforeAll(async () => {
  runtime = await startRuntime({ dataDir, runSchedules: false });
  // m-1 fails every update; m-2 and m-3 would succeed.
  for (const [thing, answer] of [
    ['m-1', 'FAILED'],
    ['m-2', 'SUCCEEDED'],
    ['m-3', 'SUCCEEDED'],
  ] as const) {
    const device = await mqtt.connectAsync(runtime.mqttUrl, { clientId: thing, reconnectPeriod: 0 });
    devices.push(device);
    await device.subscribeAsync(jobTopics.notifyNext(thing), { qos: 1 });
    device.on('message', (_t, payload) => {
      const execution = nextExecutionSchema.parse(JSON.parse(payload.toString())).execution;
      if (execution?.status !== 'QUEUED') return;
      notified.push(thing);
      void device
        .publishAsync(jobTopics.update(thing, execution.jobId), JSON.stringify({ status: answer }), {
          qos: 1,
        })
        .catch(() => undefined);
    });
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(devices.map((d) => d.endAsync(true)));
  await runtime?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('ballotstream ota', () => {
  const pkg = join(root, 'pkg-1.1.0');

  it('builds a package signed with the data directory’s code-signing key', async () => {
    const built = await ballotstream('ota', 'build', '--version', '1.1.0', '--election', 'e-1', '--out', pkg);
    expect(built.stderr).toBe('');
    const key = await ballotstream('ota', 'key');
    const signed = JSON.parse(readFileSync(join(pkg, 'manifest.json'), 'utf8'));
    expect(signed.signature.keyId).toBe(key.stdout.split('\n')[0]);
    expect(signed.manifest).toMatchObject({
      version: '1.1.0',
      electionId: 'e-1',
      artifact: { name: 'gateway.mjs' },
    });
  });

  it('refuses to publish a tampered package, naming why', async () => {
    const tampered = join(root, 'tampered');
    cpSync(pkg, tampered, { recursive: true });
    writeFileSync(
      join(tampered, 'gateway.mjs'),
      `${readFileSync(join(tampered, 'gateway.mjs'), 'utf8')}//\n`,
    );
    const run = await ballotstream('ota', 'publish', tampered, '--machines', 'm-1,m-2,m-3');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/refusing .*tampered: digest-mismatch/);
    expect(notified).toEqual([]);
  });

  it('publishes in waves and aborts the first when its failure share reaches the threshold', async () => {
    const run = await ballotstream(
      'ota',
      'publish',
      pkg,
      '--machines',
      'm-1,m-2,m-3',
      '--waves',
      '34%,100%',
      '--abort-at',
      '50',
      '--min-executed',
      '1',
      '--id',
      'gw-1-1-0',
      '--follow',
    );
    expect(run.stdout).toMatch(/rollout gw-1-1-0: 1\.1\.0 to 3 machines in waves of 2 \(abort at 50%\), 1/);
    // m-1's failure aborts the wave whether m-2's success came first (1 of 2 failed) or not.
    expect(run.stdout).toMatch(/gw-1-1-0: aborted\n {2}gw-1-1-0-w1: aborted \(.*FAILED 1/);
    expect(run.status).toBe(1);
    expect(notified).not.toContain('m-3');
    expect(runtime.jobs.status('gw-1-1-0')?.waves.map((w) => w.verdict)).toEqual(['aborted', 'not-started']);
  });
});
