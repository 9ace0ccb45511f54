import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { describeIssues } from '@ballotstream/events';
import { z } from 'zod';

/** The incidents the simulator can inject, each chosen by flag. */
export const incidentKinds = [
  'booth-capture',
  'repeat-voter',
  'forged-ticket',
  'replayed-ticket',
  'off-geofence',
  'sos',
  'auth-failure-storm',
  'secondary-outage',
] as const;
export type IncidentKind = (typeof incidentKinds)[number];

/** A simulation: which election (a blueprint), how big, how people arrive, and what goes wrong. */
export const simulationSchema = z.object({
  /** The blueprint whose poll day, hours and thresholds the runtime runs with. */
  blueprint: z.string().min(1),
  booths: z.number().int().positive().max(20_000),
  boothsPerConstituency: z.number().int().positive().default(10),
  constituenciesPerRegion: z.number().int().positive().default(10),
  candidatesPerConstituency: z.number().int().min(2).default(6),
  votersPerBooth: z.number().int().positive().default(25),
  /** Share of voters who vote at all. */
  turnout: z.number().min(0).max(1).default(0.67),
  /** Share of voters who vote at a booth away from home. */
  awayShare: z.number().min(0).max(1).default(0.1),
  /** Simulated seconds per real second. */
  speedup: z.number().positive().default(300),
  /** Arrivals: two peaks (hours after opening) over a flat base. */
  arrivals: z
    .object({
      morningPeakHour: z.number().default(2.5),
      eveningPeakHour: z.number().default(9),
      peakWidthHours: z.number().positive().default(1.2),
      baseShare: z.number().min(0).max(1).default(0.4),
    })
    .default({ morningPeakHour: 2.5, eveningPeakHour: 9, peakWidthHours: 1.2, baseShare: 0.4 }),
  /** GPS fixes: every machine reports every `everyMinutes` simulated minutes with this much jitter. */
  gps: z
    .object({
      everyMinutes: z.number().positive().default(30),
      jitterMeters: z.number().nonnegative().default(15),
    })
    .default({ everyMinutes: 30, jitterMeters: 15 }),
  /** Gateways that lose their uplink for a while and catch up afterwards. */
  offline: z
    .object({
      booths: z.number().int().nonnegative().default(3),
      atHour: z.number().nonnegative().default(4),
      minutes: z.number().positive().default(90),
    })
    .default({ booths: 3, atHour: 4, minutes: 90 }),
  incidents: z.array(z.enum(incidentKinds)).default([...incidentKinds]),
  /** Votes verified and cast at once across the country. */
  concurrency: z.number().int().positive().default(96),
  seed: z.number().int().default(2029),
});
export type Simulation = z.infer<typeof simulationSchema>;

/** Reads a simulation file; the blueprint path is taken relative to the file. */
export function loadSimulation(path: string): Simulation {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const parsed = simulationSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, { whole: '(file)' });
    throw new Error(`${path}: ${problems.join('; ')}`);
  }
  const sim = parsed.data;
  return {
    ...sim,
    blueprint: isAbsolute(sim.blueprint) ? sim.blueprint : resolve(dirname(path), sim.blueprint),
  };
}

/** An incident as injected: what it is, whom it touches, when, and which alerts would detect it. */
export interface Injected {
  readonly kind: IncidentKind | 'gateway-offline';
  readonly expected: readonly string[];
  /**
   * Alerts the incident also causes on its subject without being its detection (a cloned
   * certificate's connections churn the real machine's session): not counted as false alerts.
   */
  readonly related?: readonly string[];
  /** When the injection finished (simulated), where it takes a while. */
  endedAt?: number;
  detail?: string;
  readonly machineId?: string;
  readonly boothIds: readonly string[];
  readonly regionId?: string;
  at: number;
}
