import { FleetMonitor, MachineDirectory, SharedAnomalyDetector } from '@ballotstream/core';
import type { Deps } from './deps';

/**
 * The watchers of one set of installed dependencies. The anomaly detector keeps its windows and
 * counters in `deps.detectorState` (Redis in Lambda), so every instance sees the whole stream. The
 * fleet monitor's counters and the GPS pacing are still a container's memory (ARCHITECTURE.md,
 * fleet section); the registry cache is only a cache.
 */
interface Monitors {
  readonly detector: SharedAnomalyDetector;
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
      detector: new SharedAnomalyDetector({ monitoring: m, state: deps.detectorState }),
      fleet: new FleetMonitor(m.fleet),
      machines: new MachineDirectory(deps.records, 30_000, () => deps.clock.now()),
      lastFix: new Map(),
    };
    byDeps.set(deps, monitors);
  }
  return monitors;
}
