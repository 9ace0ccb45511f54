import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportCsv } from '@ballotstream/core';
import { LmdbRecordStore } from '@ballotstream/core/adapters/local';
import { buildGatewayComponent } from '@ballotstream/gateway/greengrass/build';
import { GATEWAY_COMPONENT } from '@ballotstream/gateway/greengrass/recipe';
import {
  keyIdOf,
  MANIFEST_FILE,
  parseWaves,
  readUpdatePackage,
  rolloutPlan,
  signedManifestSchema,
  updateConditionsSchema,
  verifyUpdate,
  writeUpdatePackage,
} from '@ballotstream/gateway/ota';
import { readRolloutStatus, submitRollout } from '../ota/rollout-inbox';
import { numberFlag, type ParsedArgs, stringFlag, UsageError } from './args';
import { dataDirOf } from './data-dir';

/** The local code-signing key (ECDSA P-256, as AWS Signer's IoT platform uses), made on first use. */
function codeSigningKey(dataDir: string): KeyObject {
  const path = join(dataDir, 'keys', 'code-signing.pem');
  if (!existsSync(path)) {
    mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  return createPrivateKey(readFileSync(path, 'utf8'));
}

/**
 * `ballotstream ota key|build|publish|status`: the code-signing public key gateways are given;
 * a signed update package of the gateway as built now; a rollout of a package in waves through
 * the runtime's IoT Jobs stand-in; and how a rollout stands.
 */
export async function ota(args: ParsedArgs): Promise<void> {
  const action = args.positional[1];
  const dataDir = dataDirOf(args);
  if (action === 'key') {
    const publicKey = createPublicKey(codeSigningKey(dataDir));
    process.stdout.write(`${keyIdOf(publicKey)}\n${publicKey.export({ format: 'pem', type: 'spki' })}`);
  } else if (action === 'build') await build(args, dataDir);
  else if (action === 'publish') await publish(args, dataDir);
  else if (action === 'status') {
    const id = args.positional[2];
    if (id === undefined) throw new UsageError('usage: ballotstream ota status <rolloutId>');
    const status = readRolloutStatus(dataDir, id);
    process.stdout.write(status === undefined ? `${id}: not started\n` : describeStatus(status));
  } else throw new UsageError('usage: ballotstream ota key | build | publish <package> | status <rolloutId>');
}

async function build(args: ParsedArgs, dataDir: string): Promise<void> {
  const version = stringFlag(args, 'version');
  if (version === undefined) throw new UsageError('ota build needs --version <major.minor.patch>');
  const conditions = updateConditionsSchema.parse({
    minimumVersion: stringFlag(args, 'minimum-version', '0.0.0'),
    applyWhen: stringFlag(args, 'apply-when', 'between-voters'),
    quietMs: numberFlag(args, 'quiet-ms', 30_000),
    healthCheckMs: numberFlag(args, 'health-check-ms', 10_000),
  });
  const out = resolve(stringFlag(args, 'out', join(dataDir, 'ota', 'packages', version))!);
  const scratch = mkdtempSync(join(tmpdir(), 'ballotstream-ota-'));
  try {
    const built = await buildGatewayComponent(scratch, { version, artifactsUri: 's3://unused/' });
    const electionId = stringFlag(args, 'election', 'demo-2026')!;
    const artifactPath = join(built.artifactsDir, built.artifacts[0]!);
    const signed = writeUpdatePackage(
      out,
      { artifactPath, version, electionId, conditions },
      codeSigningKey(dataDir),
    );
    process.stdout.write(`${out}: ${GATEWAY_COMPONENT} ${version}, signed by ${signed.signature.keyId}\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function publish(args: ParsedArgs, dataDir: string): Promise<void> {
  const pkg = args.positional[2];
  if (pkg === undefined)
    throw new UsageError('usage: ballotstream ota publish <package> [--waves 10%,50%,100%]');
  const dir = resolve(pkg);
  const signed = signedManifestSchema.safeParse(JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')));
  if (!signed.success) throw new Error(`${dir}/${MANIFEST_FILE} is not a signed update manifest`);
  const { manifest } = signed.data;
  const artifactUrl = join(dir, manifest.artifact.name);
  const files = await readUpdatePackage(join(dir, MANIFEST_FILE), artifactUrl);
  // The same check every gateway makes, so a tampered package never reaches a wave.
  const verdict = verifyUpdate(files.signed, files.artifact, {
    publicKey: createPublicKey(codeSigningKey(dataDir)),
    component: GATEWAY_COMPONENT,
    electionId: manifest.electionId,
    currentVersion: '0.0.0',
  });
  if (!verdict.ok && verdict.reason !== 'below-minimum-version') {
    throw new Error(`refusing ${dir}: ${verdict.reason} (${verdict.detail})`);
  }
  const waves = parseWaves(
    stringFlag(args, 'waves', '10%,50%,100%')!,
    numberFlag(args, 'abort-at', 20),
    numberFlag(args, 'min-executed', 5),
  );
  const machines = await machinesOf(args, dataDir);
  const rolloutId = stringFlag(
    args,
    'id',
    `gw-${manifest.version.replaceAll('.', '-')}-${Date.now().toString(36)}`,
  )!;
  const document = {
    operation: 'ballotstream.gateway-update',
    version: manifest.version,
    manifestUrl: join(dir, MANIFEST_FILE),
    artifactUrl,
  };
  const plan = rolloutPlan(rolloutId, document, machines, waves, numberFlag(args, 'timeout-minutes', 30));
  submitRollout(dataDir, plan);
  const sizes = plan.waves.map((w) => `${w.machines.length} (abort at ${w.wave.abortAtPercent}%)`).join(', ');
  process.stdout.write(
    `rollout ${rolloutId}: ${manifest.version} to ${machines.length} machines in waves of ${sizes}\n`,
  );
  if (args.flags.has('follow')) await follow(dataDir, rolloutId);
}

/** The machines named by `--machines a,b`, else every machine of the data directory's registry. */
async function machinesOf(args: ParsedArgs, dataDir: string): Promise<string[]> {
  const named = stringFlag(args, 'machines');
  if (named !== undefined)
    return named
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m.length > 0);
  const records = new LmdbRecordStore(join(dataDir, 'records'));
  let csv = '';
  try {
    await exportCsv(records, 'machine', (text) => {
      csv += text;
    });
  } finally {
    await records.close();
  }
  const [header = '', ...rows] = csv.split('\n').filter((line) => line.length > 0);
  const column = header.split(',').indexOf('machineId');
  const machines = rows.map((row) => row.split(',')[column] ?? '').filter((m) => m.length > 0);
  if (column < 0 || machines.length === 0)
    throw new Error(`no machines in ${dataDir}: name them with --machines`);
  return machines;
}

async function follow(dataDir: string, rolloutId: string): Promise<void> {
  let last = '';
  for (;;) {
    const status = readRolloutStatus(dataDir, rolloutId);
    const text = status === undefined ? '' : describeStatus(status);
    if (text !== last) process.stdout.write(text);
    last = text;
    if (status !== undefined && status.status !== 'in-progress') {
      if (status.status === 'aborted') process.exitCode = 1;
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function describeStatus(status: NonNullable<ReturnType<typeof readRolloutStatus>>): string {
  const waves = status.waves.map((w) => {
    const counts = Object.entries(w.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    return `  ${w.jobId}: ${w.verdict}${counts === '' ? '' : ` (${counts})`}\n`;
  });
  return `${status.rolloutId}: ${status.status}\n${waves.join('')}`;
}
