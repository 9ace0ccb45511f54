import type { Config } from '@ballotstream/core';
import { SwitchableVoteStore } from '@ballotstream/core/adapters/local';
import { RegionForwarding } from '../bus/region-forwarding';
import { lockDataDir } from './data-dir';
import { closeSharedStores, openSharedStores, type SharedStores } from './local-deps';
import { type Runtime, type RuntimeOptions, startRuntime } from './runtime';

export type RegionName = 'primary' | 'secondary';

export interface RegionsOptions
  extends Omit<RuntimeOptions, 'shared' | 'redisUrl' | 'httpPort' | 'mqttPort'> {
  /** Each region's own voter cache (a Redis per region, as ElastiCache is); in-process without one. */
  readonly redisUrls?: Partial<Record<RegionName, string>>;
  readonly ports?: Partial<Record<RegionName, { readonly http?: number; readonly mqtt?: number }>>;
}

/**
 * Both regions of a deployment in one process: each its own broker, API, bus, scheduler and
 * voter cache, the durable records (the global tables) and the two vote stores shared. Handlers of
 * each run with their own region's app (handed on each invocation's context), so a drill can kill
 * one region's compute and keep the other.
 */
export interface Regions {
  /** The running runtime of a region; undefined while it is killed. */
  runtime(region: RegionName): Runtime | undefined;
  readonly shared: SharedStores;
  /** The cross-region forwarding between the two buses (what it holds for a region that is down). */
  readonly forwarding: RegionForwarding;
  /**
   * Kills a region's broker, API, cache, bus, scheduler and vote store (which refuses until the
   * region restarts); the durable records, global tables in AWS, stay.
   */
  kill(region: RegionName): Promise<void>;
  /**
   * Starts a killed region again on the same HTTP and MQTT ports, so gateways and booths find it;
   * `redisUrl` names the cache it comes back with (a new server after the old one died).
   */
  restart(region: RegionName, options?: { readonly redisUrl?: string }): Promise<Runtime>;
  stop(): Promise<void>;
}

/** Starts the primary and the secondary region in this process (`ballotstream up --regions 2`). */
export async function startRegions(options: RegionsOptions = {}): Promise<Regions> {
  // One lock on the data directory for both regions, held until both stop.
  const lock =
    options.dataDirLock ?? (options.dataDir === undefined ? undefined : lockDataDir(options.dataDir));
  const opened = await openSharedStores(options.dataDir, options.voteStoreLimits);
  // A region's vote store goes down with the region (Aurora lives in it); the global tables stay.
  const voteStores = {
    primary: new SwitchableVoteStore(opened.voteStores.primary),
    secondary: new SwitchableVoteStore(opened.voteStores.secondary),
  };
  const shared: SharedStores = { records: opened.records, voteStores };
  const running = new Map<RegionName, Runtime>();
  const ports = new Map<RegionName, { http: number; mqtt: number }>();

  const redisUrls = new Map<RegionName, string | undefined>([
    ['primary', options.redisUrls?.primary],
    ['secondary', options.redisUrls?.secondary],
  ]);
  // The buses are joined as in AWS: what one region publishes and the other's subscribers want
  // goes across, held while the other region is down.
  const forwarding = new RegionForwarding((region) => running.get(region)?.bus);
  const start = async (region: RegionName): Promise<Runtime> => {
    const port = ports.get(region) ?? {
      http: options.ports?.[region]?.http ?? 0,
      mqtt: options.ports?.[region]?.mqtt ?? 0,
    };
    const redisUrl = redisUrls.get(region);
    const config: Partial<Config> = {
      ...options.config,
      region,
      primaryRegion: 'primary',
      secondaryRegion: 'secondary',
    };
    const runtime = await startRuntime({
      ...options,
      config,
      shared,
      region,
      ...(lock === undefined ? {} : { dataDirLock: lock }),
      httpPort: port.http,
      mqttPort: port.mqtt,
      ...(redisUrl === undefined ? {} : { redisUrl }),
    });
    ports.set(region, {
      http: Number(new URL(runtime.httpUrl).port),
      mqtt: Number(new URL(runtime.mqttUrl).port),
    });
    running.set(region, runtime);
    voteStores[region].setDown(false);
    forwarding.attach(region, runtime.bus);
    forwarding.release(region);
    return runtime;
  };

  await start('primary');
  await start('secondary');
  return {
    runtime: (region) => running.get(region),
    shared,
    forwarding,
    async kill(region) {
      const runtime = running.get(region);
      running.delete(region);
      await runtime?.stop();
      voteStores[region].setDown(true);
    },
    async restart(region, restartOptions = {}) {
      const runtime = running.get(region);
      if (runtime !== undefined) return runtime;
      if (restartOptions.redisUrl !== undefined) redisUrls.set(region, restartOptions.redisUrl);
      return start(region);
    },
    async stop() {
      await Promise.allSettled([...running.values()].map((r) => r.stop()));
      running.clear();
      await closeSharedStores(opened);
      lock?.release();
    },
  };
}
