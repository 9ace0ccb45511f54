import { join, resolve } from 'node:path';
import { defaultDuckDbLimits } from '@ballotstream/core/adapters/local';
import { blueprintSettings, loadBlueprint, mockPoll } from '@ballotstream/core/blueprint';
import { ensureWebBuild } from '@ballotstream/web/build';
import { type DriveProgress, driveBooths } from '../demo/booth-driver';
import { seedDemoElection, smallDemo } from '../demo/seed';
import { lockDataDir, resetDemoDir } from '../runtime/data-dir';
import { startRegions } from '../runtime/regions';
import { startRuntime } from '../runtime/runtime';
import { numberFlag, type ParsedArgs, stringFlag } from './args';
import { applyBlueprint } from './blueprint-up';

/** `ballotstream up --demo`: starts the runtime, seeds a demo election and plays booths through it. */
export async function up(args: ParsedArgs): Promise<void> {
  const demo = args.flags.has('demo');
  const configPath = stringFlag(args, 'config');
  const loaded = configPath === undefined ? undefined : loadBlueprint(configPath);
  // `--mock-poll`: a rehearsal of the blueprint's election, open now, under its own stage and id.
  if (args.flags.has('mock-poll') && loaded === undefined)
    throw new Error('--mock-poll needs --config <blueprint>');
  const blueprint =
    loaded !== undefined && args.flags.has('mock-poll') ? mockPoll(loaded, Date.now()) : loaded;
  const defaultDir = demo
    ? '.data/demo'
    : blueprint === undefined
      ? '.data/local'
      : `.data/${blueprint.stage}`;
  const dataDir = resolve(stringFlag(args, 'data-dir', defaultDir)!);
  // Held before anything else: a second runtime on this directory is refused, and the demo empties
  // only a directory it made itself, never one a running runtime holds.
  const lock = lockDataDir(dataDir);
  try {
    if (demo) resetDemoDir(lock);
  } catch (error) {
    lock.release();
    throw error;
  }
  const voters = numberFlag(args, 'voters', smallDemo.voters);
  const redisUrl = stringFlag(args, 'redis-url', process.env.REDIS_URL || undefined);
  const smtpUrl = stringFlag(args, 'smtp-url', process.env.BALLOTSTREAM_SMTP_URL || undefined);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

  // The runtime serves the web apps from their Vite build; build it when missing or stale, unless
  // told not to (a service that only serves the API, or a test of the runtime's own behaviour).
  const webBuilt = args.flags.has('no-web-build')
    ? 'not rebuilt (--no-web-build); npm run build -w packages/web builds it'
    : await ensureWebBuild().then(
        () => undefined,
        (error: unknown) =>
          `not built (${error instanceof Error ? error.message : String(error)}); run npm run build -w packages/web`,
      );
  // `--regions 2`: the secondary region's broker, API and cache beside the primary's, in this process.
  const regionCount = numberFlag(args, 'regions', 1);
  if (regionCount !== 1 && regionCount !== 2) throw new Error('--regions: 1 or 2');
  const secondaryRedisUrl = stringFlag(args, 'secondary-redis-url', redisUrl);
  const runtimeOptions = {
    dataDir,
    dataDirLock: lock,
    ...(smtpUrl === undefined ? {} : { smtpUrl }),
    ...(blueprint === undefined ? {} : { config: blueprintSettings(blueprint) }),
    // Machines connect over TLS with client certificates from the election CA (`<data-dir>/pki`).
    mqttTls: !args.flags.has('plain-mqtt'),
    voteStoreLimits: {
      memoryLimitMb: numberFlag(args, 'store-memory-mb', defaultDuckDbLimits.memoryLimitMb),
      threads: numberFlag(args, 'store-threads', defaultDuckDbLimits.threads),
    },
    // A demo shows a one-minute tally schedule every five seconds.
    scheduleSpeedup: demo ? 12 : 1,
  };
  const regions =
    regionCount === 2
      ? await startRegions({
          ...runtimeOptions,
          redisUrls: {
            ...(redisUrl === undefined ? {} : { primary: redisUrl }),
            ...(secondaryRedisUrl === undefined ? {} : { secondary: secondaryRedisUrl }),
          },
          ports: {
            primary: { http: numberFlag(args, 'http-port', 0), mqtt: numberFlag(args, 'mqtt-port', 0) },
          },
        })
      : undefined;
  const runtime =
    regions?.runtime('primary') ??
    (await startRuntime({
      ...runtimeOptions,
      ...(redisUrl === undefined ? {} : { redisUrl }),
      httpPort: numberFlag(args, 'http-port', 0),
      mqttPort: numberFlag(args, 'mqtt-port', 0),
    }));
  const out = process.stdout;
  out.write(`ballotstream is running (data in ${dataDir})\n`);
  out.write(`  API         ${runtime.httpUrl}   (try ${runtime.httpUrl}/tallies?level=region)\n`);
  out.write(`  MQTT        ${runtime.mqttUrl}\n`);
  out.write(
    `  monitoring  ${runtime.httpUrl}/monitor/   ${webBuilt ?? 'officers sign in with a token (below)'}\n`,
  );
  out.write(`  citizen app ${runtime.httpUrl}/citizen/\n`);
  const secondary = regions?.runtime('secondary');
  if (secondary !== undefined) {
    out.write(`  secondary region API  ${secondary.httpUrl}   MQTT ${secondary.mqttUrl}\n`);
    out.write(`  (gateways take both brokers; hand verification over with POST /verification/handover)\n`);
  }
  if (demo) {
    out.write(`  national token   ${runtime.tokens.mint({ role: 'admin', subject: 'national-desk' })}\n`);
    out.write(
      `  region-1 officer ${runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-region-1' })}\n`,
    );
  }
  out.write(`  voter cache ${redisUrl === undefined ? 'in-process' : `Redis at ${redisUrl}`}\n`);
  if (blueprint !== undefined) await applyBlueprint(runtime.deps, blueprint, out);

  const stopping = new AbortController();
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      out.write('\nstopping…\n');
      stopping.abort();
      await seeding?.catch(() => undefined);
      await driving?.catch(() => undefined);
      await (regions === undefined ? runtime.stop() : regions.stop());
      out.write('stopped cleanly\n');
    })();
    return stopped;
  };
  // A terminal's Ctrl-C reaches npm, tsx and this process alike: the first signal stops, the
  // repeats must not kill the process half-way through stopping.
  const onSignal = () => void stop().then(() => process.exit(0));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let accepted = 0;
  let rejected = 0;
  runtime.bus.listen((e) => {
    if (e['detail-type'] === 'vote.accepted') accepted++;
    if (e['detail-type'] === 'vote.rejected') rejected++;
  });

  let driving: Promise<void> | undefined;
  let seeding: Promise<unknown> | undefined;
  const progress: DriveProgress = { sent: 0, verified: 0, refused: 0, failed: 0 };
  if (demo) {
    out.write(`seeding a demo election with ${voters} voters…\n`);
    const seeded = seedDemoElection(runtime.deps, { ...smallDemo, voters }, stopping.signal);
    seeding = seeded;
    const election = await seeded;
    if (stopping.signal.aborted) return await stopped;
    out.write(
      `  ${election.machines.length} booths, ${election.candidates.size} constituencies; Ctrl-C stops everything\n`,
    );
    driving = driveBooths(
      {
        httpUrl: runtime.httpUrl,
        mqttUrl: runtime.mqttUrl,
        ...(secondary === undefined ? {} : { fallbackMqttUrl: secondary.mqttUrl }),
        ca: runtime.ca,
        queueRoot: join(dataDir, 'gateways'),
        boothToken: runtime.tokens.mint({ role: 'booth', subject: 'demo-booths' }),
        stage: runtime.deps.config.stage,
        bucketMs: runtime.deps.config.bucketMs,
        election,
        signal: stopping.signal,
      },
      progress,
    );
  }

  const started = Date.now();
  while (!stopping.signal.aborted) {
    const tallied = await tallyTotal(runtime.httpUrl);
    const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    const line = `[${seconds}s] verified ${progress.verified}  sent ${progress.sent}  accepted ${accepted}  rejected ${rejected}  tallied ${tallied}  ${bar(tallied, voters)}`;
    out.write(out.isTTY ? `\r${line}` : `${line}\n`);
    await new Promise((r) => setTimeout(r, out.isTTY ? 500 : 2000));
  }
  await stopped;
}

async function tallyTotal(httpUrl: string): Promise<number> {
  try {
    const response = await fetch(`${httpUrl}/tallies?level=country`);
    return ((await response.json()) as { totalVotes?: number }).totalVotes ?? 0;
  } catch {
    return 0;
  }
}

function bar(done: number, total: number): string {
  const width = 20;
  const filled = Math.min(width, Math.round((done / Math.max(1, total)) * width));
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
