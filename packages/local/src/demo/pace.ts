import { defaultMonitoring, type Monitoring, monitoringAtPace } from '@ballotstream/core';

/**
 * The demo plays an election day this many times faster than people vote, so its 3,000 voters
 * take about a minute. A booth serves a quick five voters a minute of day time, so each machine
 * votes at most once every `demoVoteIntervalMs`, and the rules' counts per window are scaled by
 * the same pace: a clean demo is a clean day, and a machine beyond the pace still alerts.
 */
export const DEMO_PACE = 30;

/** The least time between two votes on one demo machine: five a minute, `DEMO_PACE` times faster. */
export const demoVoteIntervalMs = 60_000 / (5 * DEMO_PACE);

/** The monitoring thresholds the demo runs with: the defaults at the demo's pace. */
export function demoMonitoring(base: Monitoring = defaultMonitoring()): Monitoring {
  return monitoringAtPace(base, DEMO_PACE);
}
