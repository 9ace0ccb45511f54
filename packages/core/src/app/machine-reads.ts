import { recentMachineEvents, resultStatusOf } from '../domain/monitoring/machine-events';
import { listMachineViews, type MachineView, machineDetail } from '../domain/monitoring/machines';
import type { Clock, DeviceTracker, RecordStore } from '../ports';

// The map needs only each machine's latest fix; older than this, it is offline anyway.
const MAP_FIX_WINDOW_MS = 10 * 60_000;

/** What the monitoring centre reads of the fleet: the machines of a region, and one machine's page. */
export function machineReadUseCases(ports: {
  readonly records: RecordStore;
  readonly tracker: DeviceTracker;
  readonly clock: Clock;
}) {
  const { records, tracker, clock } = ports;
  return {
    /** Every machine of a region (or of the country) with its state and place, by machine id. */
    listMachines: (regionId?: string): Promise<MachineView[]> =>
      listMachineViews({ records, tracker, now: clock.now(), fixWindowMs: MAP_FIX_WINDOW_MS }, regionId),
    /**
     * A machine's state, booth, position trail, recent events, Defender behaviours and result-record
     * check; undefined when no such machine is in `regionId` (when given): another region's machine
     * reads as absent, its existence not the caller's to learn.
     */
    async machinePage(machineId: string, regionId?: string) {
      const detail = await machineDetail({ records, tracker, now: clock.now() }, machineId);
      if (detail === undefined || (regionId !== undefined && detail.machine.regionId !== regionId))
        return undefined;
      const [events, result] = await Promise.all([
        recentMachineEvents(records, machineId),
        resultStatusOf(records, machineId),
      ]);
      const defender = events.filter((e) => e.behaviour !== undefined);
      return { ...detail, events, defender, ...(result === undefined ? {} : { result }) };
    },
  };
}
