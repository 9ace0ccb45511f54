import type { Config } from '../config';
import { SharedAnomalyDetector } from '../domain/anomaly/shared-detector';
import { MachineDirectory } from '../domain/fleet/placement';
import { SharedFleetMonitor } from '../domain/fleet/shared-fleet-monitor';
import type { Clock, DetectorState, RecordStore } from '../ports';

/**
 * The watchers an app shares between its use cases. The anomaly detector and the fleet monitor
 * keep their windows and counters in `detectorState` (Redis in Lambda), so every instance sees
 * the whole stream; the machine directory is only a cache of the registry.
 */
export interface Monitors {
  readonly detector: SharedAnomalyDetector;
  readonly fleet: SharedFleetMonitor;
  readonly machines: MachineDirectory;
}

/** Builds the watchers once for an app. */
export function createMonitors(
  ports: { readonly records: RecordStore; readonly detectorState: DetectorState; readonly clock: Clock },
  config: Pick<Config, 'monitoring'>,
): Monitors {
  const m = config.monitoring;
  return {
    detector: new SharedAnomalyDetector({ monitoring: m, state: ports.detectorState }),
    fleet: new SharedFleetMonitor(m.fleet, ports.detectorState),
    machines: new MachineDirectory(ports.records, 30_000, () => ports.clock.now()),
  };
}
