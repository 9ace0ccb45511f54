import { AnomalyDetector, FleetMonitor, MachineDirectory } from '@ballotstream/core';
import type { Deps } from './deps';

/**
 * The in-memory state of the watchers (anomaly windows, fleet counters, a registry cache), one
 * set per installed dependencies. Locally one process sees the whole stream. In Lambda this is a
 * container's memory, and each container sees only its share of the stream (the vote watcher
 * reads an SQS queue, whose mapping runs two or more at once): the counters must move to Redis
 * before the watchers are trusted at national scale (ARCHITECTURE.md, fleet section).
 */
interface Monitors {
  readonly detector: AnomalyDetector;
  readonly fleet: FleetMonitor;
  readonly machines: MachineDirectory;
  /** When each machine's last GPS fix went to the tracker. */
  readonly lastFix: Map<string, number>;
}

const byDeps = new WeakMap<Deps, Monitors>();

/** The watchers of these dependencies, made on first use. */
export function monitorsOf(deps: Deps): Monitors {
  let monitors = byDeps.get(deps);
  if (monitors === undefined) {
    const m = deps.config.monitoring;
    monitors = {
      detector: new AnomalyDetector({ monitoring: m }),
      fleet: new FleetMonitor(m.fleet),
      machines: new MachineDirectory(deps.records, 30_000, () => deps.clock.now()),
      lastFix: new Map(),
    };
    byDeps.set(deps, monitors);
  }
  return monitors;
}
