import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@ballotstream/events';
import { buildGatewayComponent } from '@ballotstream/gateway/greengrass/build';
import {
  GatewayHost,
  installInitial,
  MANIFEST_FILE,
  parseWaves,
  readInstallState,
  rolloutPlan,
  signedManifestSchema,
  type UpdateConditions,
  writeUpdatePackage,
} from '@ballotstream/gateway/ota';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBroker } from '../../src/mqtt/broker';
import { LocalJobs } from '../../src/ota/local-jobs';

const STAGE = 'ota-test';
const MACHINE = 'm-ota-1';
const dir = mkdtempSync(join(tmpdir(), 'gateway-update-'));
const codeSigning = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const conditions: UpdateConditions = {
  minimumVersion: '1.0.0',
  applyWhen: 'between-voters',
  quietMs: 300,
  healthCheckMs: 1_500,
};

let broker: LocalBroker;
let jobs: LocalJobs;
let cloud: MqttClient;
let host: GatewayHost;
let bundle: string;
const votesSeen = new Set<string>();
const lines: { line: string; version: string }[] = [];

beforeAll(async () => {
  const built = await buildGatewayComponent(join(dir, 'build'), {
    version: '1.0.0',
    artifactsUri: 's3://b/p',
  });
  bundle = join(built.artifactsDir, 'gateway.mjs');
  jobs = new LocalJobs((topic, payload) => broker.publish(topic, payload));
  broker = new LocalBroker({ rules: [jobs.rule()] });
  const url = await broker.listen();
  cloud = await mqtt.connectAsync(url, { clientId: 'cloud-votes', reconnectPeriod: 0 });
  await cloud.subscribeAsync(topics.votes(STAGE, MACHINE), { qos: 1 });
  cloud.on('message', (_t, payload) =>
    votesSeen.add((JSON.parse(payload.toString()) as { voteId: string }).voteId),
  );

  const install = join(dir, 'install');
  installInitial(install, '1.0.0', bundle);
  const machineKey = generateKeyPairSync('ed25519');
  const config = {
    stage: STAGE,
    machineId: MACHINE,
    boothId: 'b-1',
    electionId: 'ge-2029',
    constituencyId: 'pc-1',
    privateKeyPem: machineKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    mqttUrl: url,
    bucketMs: 60_000,
    queueDir: join(dir, 'queue'),
    // One vote a minute leaves the second vote of the test in the queue across the swaps.
    paceMs: 60_000,
    ota: {
      dir: install,
      codeSigningPublicKeyPem: codeSigning.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    },
  };
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config));
  host = new GatewayHost({
    dir: install,
    args: [join(dir, 'gateway.json')],
    onLine: (line, version) => lines.push({ line, version }),
  });
  host.start();
  await nextLine((l) => l.startsWith('ready'));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await cloud?.endAsync(true);
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function nextLine(
  match: (line: string) => boolean,
  from = 0,
): Promise<{ line: string; version: string }> {
  for (let i = 0; i < 1200; i++) {
    const found = lines.slice(from).find((l) => match(l.line));
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no line matched; saw ${lines.map((l) => l.line).join(' | ')}`);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

function updatePackage(name: string, version: string, artifactPath: string): string {
  const out = join(dir, name);
  writeUpdatePackage(
    out,
    { artifactPath, version, electionId: 'ge-2029', conditions },
    codeSigning.privateKey,
  );
  return out;
}

async function rollOut(rolloutId: string, pkg: string): Promise<string> {
  const { manifest } = signedManifestSchema.parse(JSON.parse(readFileSync(join(pkg, MANIFEST_FILE), 'utf8')));
  const document = {
    operation: 'ballotstream.gateway-update',
    version: manifest.version,
    manifestUrl: join(pkg, MANIFEST_FILE),
    artifactUrl: join(pkg, manifest.artifact.name),
  };
  await jobs.start(rolloutPlan(rolloutId, document, [MACHINE], parseWaves('100%', 50, 1)));
  const settled = ['SUCCEEDED', 'FAILED', 'REJECTED'] as const;
  await until(() => {
    const counts = jobs.status(rolloutId)?.waves[0]?.counts;
    return counts !== undefined && settled.some((s) => counts[s] > 0);
  }, `${rolloutId} to settle`);
  const counts = jobs.status(rolloutId)!.waves[0]!.counts;
  return settled.find((s) => counts[s] > 0)!;
}

const token = () => randomBytes(18).toString('base64url');

describe('an over-the-air update of a running gateway', () => {
  let queued: string;

  it('keeps a vote in its durable queue while the uplink is paced', async () => {
    host.send(`cast ${token()} c-1`);
    const first = (await nextLine((l) => l.startsWith('cast '))).line.slice(5);
    host.send(`cast ${token()} c-2`);
    queued = (await nextLine((l) => l.startsWith('cast ') && !l.endsWith(first))).line.slice(5);
    await until(() => votesSeen.has(first), 'the first vote');
    expect(votesSeen.has(queued)).toBe(false);
  });

  it('refuses a tampered package, reporting why, and keeps running the same version', async () => {
    const pkg = updatePackage('tampered', '1.1.0', bundle);
    writeFileSync(
      join(pkg, 'gateway.mjs'),
      `${readFileSync(join(pkg, 'gateway.mjs'), 'utf8')}\n// changed\n`,
    );
    expect(await rollOut('tampered', pkg)).toBe('REJECTED');
    expect(jobs.execution('tampered-w1', MACHINE)?.statusDetails).toMatchObject({
      reason: 'digest-mismatch',
    });
    expect(host.history()).toEqual(['1.0.0']);
    expect(readInstallState(join(dir, 'install'))).toEqual({ current: '1.0.0' });
  });

  it('rolls a failing update back to the old version without losing the queued vote', async () => {
    const broken = join(dir, 'broken.mjs');
    writeFileSync(broken, "throw new Error('1.1.0 cannot start');\n");
    const from = lines.length;
    expect(await rollOut('broken', updatePackage('broken', '1.1.0', broken))).toBe('FAILED');
    expect(jobs.execution('broken-w1', MACHINE)?.statusDetails).toMatchObject({
      reason: 'health-check',
      rolledBackTo: '1.0.0',
    });
    expect(host.history()).toEqual(['1.0.0', '1.1.0', '1.0.0']);
    expect(host.version()).toBe('1.0.0');
    const ready = await nextLine((l) => l.startsWith('ready'), from);
    expect(ready).toMatchObject({ version: '1.0.0', line: expect.stringMatching(/^ready pending=1 /) });
    await until(() => votesSeen.has(queued), 'the queued vote after the rollback');
  });

  it('swaps in a healthy update between voters, and reports it succeeded', async () => {
    host.send(`cast ${token()} c-3`);
    const from = lines.length;
    expect(await rollOut('good', updatePackage('good', '1.2.0', bundle))).toBe('SUCCEEDED');
    expect(host.version()).toBe('1.2.0');
    expect(readInstallState(join(dir, 'install'))).toMatchObject({ current: '1.2.0', previous: '1.0.0' });
    expect(lines.slice(from).some((l) => l.line.startsWith('ready') && l.version === '1.2.0')).toBe(true);
  });
});
