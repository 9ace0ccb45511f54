import { join } from 'node:path';
import { defaultMonitoring } from '@ballotstream/core';
import { defaultDuckDbLimits } from '@ballotstream/core/adapters/local';
import { type Blueprint, blueprintSettings, loadBlueprint, mockPoll } from '@ballotstream/core/blueprint';
import type { Severity } from '@ballotstream/events';
import { ensureWebBuild } from '@ballotstream/web/build';
import { type DriveProgress, driveBooths } from '../demo/booth-driver';
import { demoMonitoring, demoVoteIntervalMs } from '../demo/pace';
import { seedDemoElection, smallDemo } from '../demo/seed';
import { type DataDirLock, lockDataDir, resetDemoDir } from '../runtime/data-dir';
import { type Regions, startRegions } from '../runtime/regions';
import { type Runtime, type RuntimeOptions, startRuntime } from '../runtime/runtime';
import { countFlag, numberFlag, type ParsedArgs, portFlag, stringFlag, UsageError } from './args';
import { applyBlueprint } from './blueprint-up';
import { dataDirOf } from './data-dir';
import { DemoProgress } from './demo-progress';

/** Everything `up` was asked for, read and checked before anything is started or written. */
interface UpPlan {
  readonly demo: boolean;
  readonly blueprint: Blueprint | undefined;
  readonly dataDir: string;
  readonly voters: number;
  readonly redisUrl: string | undefined;
  readonly secondaryRedisUrl: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly regions: 1 | 2;
  readonly httpPort: number;
  readonly mqttPort: number;
  readonly webBuild: boolean;
  readonly plainMqtt: boolean;
  readonly storeMemoryMb: number;
  readonly storeThreads: number;
}

function planUp(args: ParsedArgs): UpPlan {
  const configPath = stringFlag(args, 'config');
  const redisUrl = stringFlag(args, 'redis-url', process.env.REDIS_URL || undefined);
  const loaded = configPath === undefined ? undefined : loadBlueprint(configPath);
  // `--mock-poll`: a rehearsal of the blueprint's election, open now, under its own stage and id.
  const mock = args.flags.has('mock-poll');
  if (mock && loaded === undefined) throw new UsageError('--mock-poll needs --config <blueprint>');
  return {
    demo: args.flags.has('demo'),
    blueprint: loaded !== undefined && mock ? mockPoll(loaded, Date.now()) : loaded,
    dataDir: dataDirOf(args),
    voters: countFlag(args, 'voters', smallDemo.voters),
    redisUrl,
    secondaryRedisUrl: stringFlag(args, 'secondary-redis-url', redisUrl),
    smtpUrl: stringFlag(args, 'smtp-url', process.env.BALLOTSTREAM_SMTP_URL || undefined),
    regions: numberFlag(args, 'regions', 1, { min: 1, max: 2, integer: true }) as 1 | 2,
    httpPort: portFlag(args, 'http-port'),
    mqttPort: portFlag(args, 'mqtt-port'),
    webBuild: !args.flags.has('no-web-build'),
    plainMqtt: args.flags.has('plain-mqtt'),
    storeMemoryMb: countFlag(args, 'store-memory-mb', defaultDuckDbLimits.memoryLimitMb),
    storeThreads: countFlag(args, 'store-threads', defaultDuckDbLimits.threads),
  };
}

/** The data directory, locked, and emptied for a demo: held before anything else is started. */
function claimDataDir(plan: UpPlan): DataDirLock {
  // A second runtime on this directory is refused, and the demo empties only a directory it made
  // itself, never one a running runtime holds.
  const lock = lockDataDir(plan.dataDir);
  try {
    if (plan.demo) resetDemoDir(lock);
  } catch (error) {
    lock.release();
    throw error;
  }
  return lock;
}

/** Builds the web apps when missing or stale; says why not when it cannot, without failing `up`. */
async function buildWeb(plan: UpPlan): Promise<string | undefined> {
  if (!plan.webBuild) return 'not rebuilt (--no-web-build); npm run build -w packages/web builds it';
  return ensureWebBuild().then(
    () => undefined,
    (error: unknown) =>
      `not built (${error instanceof Error ? error.message : String(error)}); run npm run build -w packages/web`,
  );
}

interface Started {
  readonly runtime: Runtime;
  readonly secondary: Runtime | undefined;
  stop(): Promise<void>;
}

/** The blueprint's settings; a demo's booths vote at its pace, and its rules count at that pace. */
function configOf(plan: UpPlan): Pick<RuntimeOptions, 'config'> {
  const settings = plan.blueprint === undefined ? undefined : blueprintSettings(plan.blueprint);
  if (!plan.demo) return settings === undefined ? {} : { config: settings };
  return { config: { ...settings, monitoring: demoMonitoring(defaultMonitoring(settings?.monitoring)) } };
}

async function startServices(plan: UpPlan, lock: DataDirLock): Promise<Started> {
  const options: RuntimeOptions = {
    dataDir: plan.dataDir,
    dataDirLock: lock,
    ...(plan.smtpUrl === undefined ? {} : { smtpUrl: plan.smtpUrl }),
    ...configOf(plan),
    // Machines connect over TLS with client certificates from the election CA (`<data-dir>/pki`).
    mqttTls: !plan.plainMqtt,
    voteStoreLimits: { memoryLimitMb: plan.storeMemoryMb, threads: plan.storeThreads },
    // A demo shows a one-minute tally schedule every five seconds.
    scheduleSpeedup: plan.demo ? 12 : 1,
  };
  if (plan.regions === 1) {
    const runtime = await startRuntime({
      ...options,
      ...(plan.redisUrl === undefined ? {} : { redisUrl: plan.redisUrl }),
      httpPort: plan.httpPort,
      mqttPort: plan.mqttPort,
    });
    return { runtime, secondary: undefined, stop: () => runtime.stop() };
  }
  const regions: Regions = await startRegions({
    ...options,
    redisUrls: {
      ...(plan.redisUrl === undefined ? {} : { primary: plan.redisUrl }),
      ...(plan.secondaryRedisUrl === undefined ? {} : { secondary: plan.secondaryRedisUrl }),
    },
    ports: { primary: { http: plan.httpPort, mqtt: plan.mqttPort } },
  });
  return {
    runtime: regions.runtime('primary')!,
    secondary: regions.runtime('secondary'),
    stop: () => regions.stop(),
  };
}

function printBanner(out: NodeJS.WriteStream, plan: UpPlan, started: Started, webBuilt: string | undefined) {
  const { runtime, secondary } = started;
  out.write(`ballotstream is running (data in ${plan.dataDir})\n`);
  out.write(`  API         ${runtime.httpUrl}   (try ${runtime.httpUrl}/tallies?level=region)\n`);
  out.write(`  reference   ${runtime.httpUrl}/openapi.json   ${runtime.httpUrl}/asyncapi.json\n`);
  out.write(`  MQTT        ${runtime.mqttUrl}\n`);
  out.write(
    `  monitoring  ${runtime.httpUrl}/monitor/   ${webBuilt ?? 'officers sign in with a token (below)'}\n`,
  );
  out.write(`  citizen app ${runtime.httpUrl}/citizen/\n`);
  if (secondary !== undefined) {
    out.write(`  secondary region API  ${secondary.httpUrl}   MQTT ${secondary.mqttUrl}\n`);
    out.write(`  (gateways take both brokers; hand verification over with POST /verification/handover)\n`);
  }
  if (plan.demo) {
    out.write(`  national token   ${runtime.tokens.mint({ role: 'admin', subject: 'national-desk' })}\n`);
    out.write(
      `  region-1 officer ${runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-region-1' })}\n`,
    );
  }
  out.write(`  voter cache ${plan.redisUrl === undefined ? 'in-process' : `Redis at ${plan.redisUrl}`}\n`);
}

/** Seeds the demo election and starts booths voting through it; resolves when they are done. */
async function playDemo(
  plan: UpPlan,
  started: Started,
  progress: DriveProgress,
  signal: AbortSignal,
  out: NodeJS.WriteStream,
): Promise<void> {
  const { runtime, secondary } = started;
  out.write(`seeding a demo election with ${plan.voters} voters…\n`);
  const election = await seedDemoElection(runtime.deps, { ...smallDemo, voters: plan.voters }, signal);
  if (signal.aborted) return;
  out.write(
    `  ${election.machines.length} booths, ${election.candidates.size} constituencies; Ctrl-C stops everything\n`,
  );
  await driveBooths(
    {
      httpUrl: runtime.httpUrl,
      mqttUrl: runtime.mqttUrl,
      ...(secondary === undefined ? {} : { fallbackMqttUrl: secondary.mqttUrl }),
      ca: runtime.ca,
      queueRoot: join(plan.dataDir, 'gateways'),
      boothToken: runtime.tokens.mint({ role: 'booth', subject: 'demo-booths' }),
      minVoteIntervalMs: demoVoteIntervalMs,
      stage: runtime.deps.config.stage,
      bucketMs: runtime.deps.config.bucketMs,
      election,
      signal,
    },
    progress,
  );
}

/** `ballotstream up [--demo | --config <blueprint>]`: starts the runtime and serves until stopped. */
export async function up(args: ParsedArgs): Promise<void> {
  const plan = planUp(args);
  const lock = claimDataDir(plan);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const webBuilt = await buildWeb(plan);
  const started = await startServices(plan, lock);
  const out = process.stdout;
  printBanner(out, plan, started, webBuilt);
  if (plan.blueprint !== undefined) await applyBlueprint(started.runtime.deps, plan.blueprint, out);

  const stopping = new AbortController();
  let demo: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      out.write('\nstopping…\n');
      stopping.abort();
      await demo?.catch(() => undefined);
      await started.stop();
      out.write('stopped cleanly\n');
    })();
    return stopped;
  };
  // A terminal's Ctrl-C reaches npm, tsx and this process alike: the first signal stops, the
  // repeats must not kill the process half-way through stopping.
  const onSignal = () => void stop().then(() => process.exit(0));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const progress: DriveProgress = { sent: 0, verified: 0, refused: 0, failed: 0 };
  if (plan.demo) demo = playDemo(plan, started, progress, stopping.signal, out);
  if (plan.demo) await reportDemo(plan, started.runtime, progress, demo!, stopping.signal, out);
  await new Promise<void>((resolve) => stopping.signal.addEventListener('abort', () => resolve()));
  await stopped;
}

/** Prints the demo's counts as they move and one line when it is done, then nothing more. */
async function reportDemo(
  plan: UpPlan,
  runtime: Runtime,
  progress: DriveProgress,
  demo: Promise<void>,
  signal: AbortSignal,
  out: NodeJS.WriteStream,
): Promise<void> {
  let accepted = 0;
  let rejected = 0;
  const alerts: { rule: string; severity: Severity }[] = [];
  runtime.bus.listen((e) => {
    if (e['detail-type'] === 'vote.accepted') accepted++;
    if (e['detail-type'] === 'vote.rejected') rejected++;
    if (e['detail-type'] === 'alert.raised') {
      const alert = e.detail as { kind: string; severity: Severity };
      alerts.push({ rule: alert.kind, severity: alert.severity });
    }
  });
  let boothsDone = false;
  void demo.finally(() => {
    boothsDone = true;
  });
  const reporter = new DemoProgress(plan.voters, runtime.httpUrl);
  const began = Date.now();
  const token = runtime.tokens.mint({ role: 'admin', subject: 'demo-progress' });
  while (!signal.aborted && !reporter.done) {
    const tallied = await tallyTotal(runtime.httpUrl, token);
    const { verified, sent } = progress;
    const seconds = (Date.now() - began) / 1000;
    const line = reporter.next({ seconds, verified, sent, accepted, rejected, tallied, boothsDone, alerts });
    if (line !== undefined)
      out.write(out.isTTY && !reporter.done ? `\r${line}` : `${out.isTTY ? '\n' : ''}${line}\n`);
    await new Promise((r) => setTimeout(r, out.isTTY ? 500 : 2000));
  }
}

async function tallyTotal(httpUrl: string, token: string): Promise<number> {
  try {
    // Public tallies wait for the close of poll; the national desk's running tally moves with the day.
    const response = await fetch(`${httpUrl}/monitor/tallies?level=country`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return ((await response.json()) as { totalVotes?: number }).totalVotes ?? 0;
  } catch {
    return 0;
  }
}
