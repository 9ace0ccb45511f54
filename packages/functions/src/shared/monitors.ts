import { MachineDirectory, SharedAnomalyDetector, SharedFleetMonitor } from '@ballotstream/core';
import type { Deps } from './deps';

/**
 * The watchers of one set of installed dependencies. The anomaly detector and the fleet monitor
 * keep their windows and counters in `deps.detectorState` (Redis in Lambda), so every instance
 * sees the whole stream; the registry cache is only a cache.
 */
interface Monitors {
  readonly detector: SharedAnomalyDetector;
  readonly fleet: SharedFleetMonitor;
  readonly machines: MachineDirectory;
}

const byDeps = new WeakMap<Deps, Monitors>();

/** The watchers of these dependencies, made on first use. */
export function monitorsOf(deps: Deps): Monitors {
  let monitors = byDeps.get(deps);
  if (monitors === undefined) {
    const m = deps.config.monitoring;
    monitors = {
      detector: new SharedAnomalyDetector({ monitoring: m, state: deps.detectorState }),
      fleet: new SharedFleetMonitor(m.fleet, deps.detectorState),
      machines: new MachineDirectory(deps.records, 30_000, () => deps.clock.now()),
    };
    byDeps.set(deps, monitors);
  }
  return monitors;
}
