import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '@ballotstream/core';
import { type DuckDbLimits, inactiveMachineCertificates } from '@ballotstream/core/adapters/local';
import type { Clock } from '@ballotstream/core/ports';
import { topicFilter } from '@ballotstream/events';
import type { Region } from '@ballotstream/functions/catalogue';
import {
  type App,
  appOf,
  type Deps,
  installApp,
  isInstalled,
  uninstallApp,
  withStep,
} from '@ballotstream/functions/shared/deps';
import { observeBrokerActivity } from '@ballotstream/functions/shared/fleet-activity';
import { loadHandler, type Trigger, triggers } from '@ballotstream/functions/triggers';
import { webFallback } from '@ballotstream/web/serve';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LocalTokenIssuer } from '../auth/jwt';
import { LocalBus, type LocalBusOptions } from '../bus/local-bus';
import { localBusArn } from '../bus/region-forwarding';
import { alertStream } from '../http/alert-stream';
import { ApiServer } from '../http/api-server';
import { LocalBroker } from '../mqtt/broker';
import { machinePolicy } from '../mqtt/machine-policy';
import type { LocalTopicRule } from '../mqtt/rule-engine';
import type { LocalJobs } from '../ota/local-jobs';
import { type RuntimeJobs, startRuntimeJobs } from '../ota/rollout-inbox';
import { type ElectionCa, issueServerCertificate, loadOrCreateElectionCa } from '../pki/election-ca';
import { referenceRoutes } from '../reference/serve';
import { LocalScheduler } from '../scheduler/local-scheduler';
import { type DataDirLock, lockDataDir, ownerOnlyFiles } from './data-dir';
import { lambdaContext } from './handlers';
import { localDependencies, withDependencyReport } from './health';
import { buildLocalDeps, closeLocalDeps, type SharedStores } from './local-deps';

export interface RuntimeOptions {
  readonly dataDir?: string;
  readonly redisUrl?: string;
  /** An SMTP relay for officer emails (`smtp://host:port`), besides the outbox. */
  readonly smtpUrl?: string;
  readonly httpPort?: number;
  readonly mqttPort?: number;
  readonly config?: Partial<Config>;
  /** Run schedules this many times faster than AWS would (demo); 1 by default. */
  readonly scheduleSpeedup?: number;
  /** Start the scheduler's timers; tests usually run jobs by hand instead. */
  readonly runSchedules?: boolean;
  /** Retry backoff of bus deliveries. */
  readonly busBackoffMs?: number;
  /** The time every handler reads (the simulator's faster clock); system time by default. */
  readonly clock?: Clock;
  /**
   * Serve MQTT over TLS with client certificates from the election CA (kept under `<dataDir>/pki`,
   * or in memory without a data dir); `false` serves plain TCP for tests that do not test TLS.
   */
  readonly mqttTls?: boolean;
  /** Memory and threads of each embedded vote store; bounded by default (`defaultDuckDbLimits`). */
  readonly voteStoreLimits?: Partial<DuckDbLimits>;
  /** The lock on `dataDir` when the caller took it already (`up --demo`); otherwise it is taken here. */
  readonly dataDirLock?: DataDirLock;
  /**
   * Records and vote stores shared with the other region's runtime in this process (`startRegions`):
   * this runtime's handlers run in their own deps scope, and nothing is installed process-wide.
   */
  readonly shared?: SharedStores;
  /**
   * This runtime is one region of two (`startRegions`): it runs only that region's event
   * subscribers, as the region's bus does in AWS, and its bus names itself as the origin of what
   * is published on it, for the cross-region forwarding (`RegionForwarding`).
   */
  readonly region?: Region;
}

/** The whole platform on one machine, wired from the trigger table. */
export interface Runtime {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  readonly deps: Deps;
  readonly bus: LocalBus;
  readonly broker: LocalBroker;
  /** The IoT Jobs stand-in: gateway update rollouts in waves. */
  readonly jobs: LocalJobs;
  readonly scheduler: LocalScheduler;
  readonly api: ApiServer;
  /** Mints and verifies the bearer tokens the API checks (key under `<dataDir>/keys`). */
  readonly tokens: LocalTokenIssuer;
  /** The election CA that issues machine certificates, when MQTT runs over TLS. */
  readonly ca: ElectionCa | undefined;
  stop(): Promise<void>;
}

/**
 * How many batches of one queue the local runtime runs at once: its reserved concurrency when the
 * reader keeps state in memory, else a few, so one batch's store writes overlap the next's checks.
 */
function batchesInFlight(trigger: Trigger): number {
  return trigger.reservedConcurrency ?? 4;
}

/** Starts the embedded runtime: bus, scheduler, HTTP API and MQTT broker, every handler wired. */
export async function startRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  // Refuses a data directory another live runtime holds before anything is opened in it.
  const lock =
    options.dataDirLock ?? (options.dataDir === undefined ? undefined : lockDataDir(options.dataDir));
  if (lock !== undefined) ownerOnlyFiles();
  try {
    return await startWithin(options, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function startWithin(options: RuntimeOptions, lock: DataDirLock | undefined): Promise<Runtime> {
  const bus = new LocalBus(busOptions(options));
  const deps = await buildLocalDeps({
    // A step may publish only what its trigger declares: each invocation is told its step below.
    publisher: bus,
    putAwsEvent: (envelope) => bus.put(envelope),
    // Control messages are sent only once the broker below is listening.
    machineChannel: { publish: (topic, payload, o) => broker.publish(topic, payload, o) },
    certificateChannel: { setCertificateActive: (id, active) => broker.setCertificateActive(id, active) },
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.redisUrl === undefined ? {} : { redisUrl: options.redisUrl }),
    ...(options.smtpUrl === undefined ? {} : { smtpUrl: options.smtpUrl }),
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.voteStoreLimits === undefined ? {} : { voteStoreLimits: options.voteStoreLimits }),
    ...(options.shared === undefined ? {} : { shared: options.shared }),
  });
  // The app the handlers call: a region of a two-region process keeps it to its own scope; a lone
  // runtime installs it for the process, where a test or the simulator may later install another.
  let app = appOf(deps);
  if (options.shared === undefined) installApp(app);
  // A region of a two-region process hands its own app to each invocation; a lone runtime hands
  // none, so its handlers call whatever app is installed (a drill may install one with a store down).
  const regionApp = (): App | undefined => (options.shared === undefined ? undefined : app);

  const tokens = tokenIssuerOf(options);
  const api = new ApiServer((token) => tokens.verify(token));
  const scheduler = new LocalScheduler({ speedup: options.scheduleSpeedup ?? 1 });
  const rules: LocalTopicRule[] = [];
  for (const trigger of triggers) {
    if (!runsHere(trigger, options.region)) continue;
    const entry = await loadHandler(trigger.handler);
    const invoke = (event: unknown) =>
      entry(event, withStep(lambdaContext(trigger.name), trigger, regionApp()));
    wireTrigger(trigger, invoke, { api, bus, scheduler, rules, deps });
  }

  const { ca, broker, ota } = await startBroker(options, deps, rules, regionApp);
  // The bulletin publishes the CA that machine certificates chain to.
  if (ca !== undefined) {
    app = appOf({ ...deps, electionCaPem: ca.certPem });
    if (options.shared === undefined) installApp(app);
  }
  const [httpUrl, mqttUrl] = await Promise.all([
    api.listen(options.httpPort ?? 0),
    broker.listen(options.mqttPort ?? 0),
  ]);
  api.fallback(alertStream(bus, (token) => tokens.verify(token)));
  api.fallback(referenceRoutes({ httpUrl, mqttUrl, ready: () => deps.cache.ping() }));
  // The monitoring centre at /monitor/ and the citizen app at /citizen/, as the static site serves them in AWS.
  api.fallback(webFallback());
  if (options.runSchedules ?? true) scheduler.start();

  let stopped = false;
  return {
    httpUrl,
    mqttUrl,
    deps,
    bus,
    broker,
    jobs: ota.jobs,
    scheduler,
    api,
    tokens,
    ca,
    async stop() {
      if (stopped) return;
      stopped = true;
      ota.stop();
      await scheduler.stop();
      await broker.close();
      await api.close();
      await bus.drain();
      await closeLocalDeps(deps);
      if (isInstalled(app)) uninstallApp();
      lock?.release();
    },
  };
}

/** The token signer, its key generated on first run like the other local keys; the API verifies every token with it. */
function tokenIssuerOf(options: RuntimeOptions): LocalTokenIssuer {
  return options.dataDir === undefined
    ? LocalTokenIssuer.ephemeral()
    : LocalTokenIssuer.fromKeyDir(join(options.dataDir, 'keys'));
}

/**
 * Whether this runtime hosts a trigger: all of them, but in a two-region process the other
 * region's subscribers, which run on its own bus (forwarding brings them what this one publishes).
 */
function runsHere(trigger: Trigger, region: Region | undefined): boolean {
  return region === undefined || trigger.kind !== 'event' || trigger.region === region;
}

/** The bus's retry backoff, and in a two-region process the origin its events name. */
function busOptions(options: RuntimeOptions): LocalBusOptions {
  const backoffMs = options.busBackoffMs ?? 100;
  return options.region === undefined ? { backoffMs } : { backoffMs, origin: localBusArn(options.region) };
}

/** Where the local runtime plays each kind of trigger. */
interface TriggerHosts {
  readonly api: ApiServer;
  readonly bus: LocalBus;
  readonly scheduler: LocalScheduler;
  readonly rules: LocalTopicRule[];
  readonly deps: Deps;
}

/** Hosts one trigger as its AWS service would: a route, a subscription, a schedule or a topic rule. */
function wireTrigger(
  trigger: Trigger,
  invoke: (event: unknown) => Promise<unknown>,
  hosts: TriggerHosts,
): void {
  const { api, bus, scheduler, rules, deps } = hosts;
  switch (trigger.kind) {
    case 'http': {
      const route = async (event: unknown) => (await invoke(event)) as APIGatewayProxyStructuredResultV2;
      api.add({
        method: trigger.method,
        path: trigger.path,
        roles: trigger.roles,
        // Locally the stores are embedded, so /health asks each of them as well as the cache.
        invoke: trigger.name === 'health' ? withDependencyReport(route, localDependencies(deps)) : route,
      });
      break;
    }
    case 'event':
      bus.subscribe({
        name: trigger.name,
        pattern: trigger.pattern,
        retries: trigger.retries,
        ...(trigger.batch === undefined
          ? { invoke }
          : { invoke, batch: { size: trigger.batch.size, concurrency: batchesInFlight(trigger) } }),
      });
      break;
    case 'schedule':
      scheduler.add({ name: trigger.name, expression: trigger.schedule, run: invoke });
      break;
    case 'topic-rule':
      rules.push({
        name: trigger.name,
        filter: topicFilter(deps.config.stage, trigger.topic),
        select: trigger.select,
        ...(trigger.batch === undefined
          ? { invoke }
          : { invoke, batch: { size: trigger.batch.size, concurrency: batchesInFlight(trigger) } }),
      });
      break;
    case 'stream':
      // One local store has no replicas whose last-writer-wins could hide a double: nothing to read.
      break;
  }
}

/**
 * The broker, with the rules the triggers asked for and IoT Jobs (over-the-air updates, fed
 * rollouts from the data directory); over TLS with a certificate from the election CA (made on
 * first run) and the machine policy when `mqttTls` is set.
 */
async function startBroker(
  options: RuntimeOptions,
  deps: Deps,
  rules: LocalTopicRule[],
  regionApp: () => App | undefined,
): Promise<{ ca: ElectionCa | undefined; broker: LocalBroker; ota: RuntimeJobs }> {
  const ota = startRuntimeJobs((topic, payload) => broker.publish(topic, payload), options.dataDir);
  const ca =
    options.mqttTls === true
      ? await loadOrCreateElectionCa(
          join(options.dataDir ?? mkdtempSync(join(tmpdir(), 'ballotstream-ca-')), 'pki'),
        )
      : undefined;
  const serverCert = ca === undefined ? undefined : await issueServerCertificate(ca);
  const broker = new LocalBroker({
    rules: [ota.rule, ...rules],
    // The fleet monitor is the broker's, not the step whose message it saw.
    onActivity: (activity) => observeBrokerActivity(activity, regionApp()),
    // Fleet activity carries the runtime's time, so liveness rules compare like with like.
    clock: () => deps.clock.now(),
    // The machine policy binds topics to the identity a certificate proves, so it comes with TLS.
    ...(serverCert === undefined
      ? {}
      : {
          ...machinePolicy(deps.config.stage),
          tls: { caPem: serverCert.caPem, certPem: serverCert.certPem, keyPem: serverCert.keyPem },
        }),
  });
  // A hard block outlives a restart: the broker refuses those machines from its first connection.
  for (const machineId of await inactiveMachineCertificates(deps.records))
    broker.setCertificateActive(machineId, false);
  return { ca, broker, ota };
}
