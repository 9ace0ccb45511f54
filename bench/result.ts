import { z } from 'zod';

const positive = z.number().positive();

/**
 * The part of a bench result a script reads without knowing the bench: each hot path's CPU per
 * operation over its floor measured in the same run, and the whole-election rate beside what the
 * two floors allow together. Everything else the bench measured sits under `results`.
 */
export const benchSummarySchema = z.object({
  verification: z.object({
    cpuMicrosPerOp: positive,
    floorMicros: positive,
    overFloor: positive,
    perSecond: positive,
  }),
  votes: z.object({
    cpuMicrosPerOp: positive,
    floorMicros: positive,
    overFloor: positive,
    perSecond: positive,
  }),
  election: z.object({
    voters: z.number().int().positive(),
    votersPerSecond: positive,
    floorsAllowPerSecond: positive,
    lost: z.number().int().nonnegative(),
  }),
});
export type BenchSummary = z.infer<typeof benchSummarySchema>;

/** The whole JSON file a bench run writes to bench/results/. */
export const benchResultSchema = benchSummarySchema.extend({
  at: z.iso.datetime(),
  quick: z.boolean(),
  cores: z.number().int().positive(),
  loadAverage: z.tuple([z.number(), z.number(), z.number()]),
  node: z.string(),
  sizes: z.record(z.string(), z.number()),
  results: z.record(z.string(), z.unknown()),
  lines: z.array(z.object({ name: z.string(), figure: z.string() }).loose()),
});
export type BenchResult = z.infer<typeof benchResultSchema>;

/** A path's figures as the summary keeps them: its CPU per operation over its floor. */
export function overFloor(cpuMicrosPerOp: number, floorMicros: number, perSecond: number) {
  return { cpuMicrosPerOp, floorMicros, overFloor: cpuMicrosPerOp / floorMicros, perSecond };
}

/** What every core allows voters, each costing the two floors together. */
export function floorsAllowPerSecond(
  cores: number,
  verificationFloorMicros: number,
  voteFloorMicros: number,
) {
  return (cores * 1e6) / (verificationFloorMicros + voteFloorMicros);
}

/** Builds the result file's content and checks it against its schema before anything is written. */
export function benchResult(input: {
  readonly quick: boolean;
  readonly cores: number;
  readonly loadAverage: readonly number[];
  readonly sizes: Readonly<Record<string, number>>;
  readonly summary: BenchSummary;
  readonly results: Readonly<Record<string, unknown>>;
  readonly lines: readonly { readonly name: string; readonly figure: string }[];
  readonly at?: Date;
}): BenchResult {
  return benchResultSchema.parse({
    at: (input.at ?? new Date()).toISOString(),
    quick: input.quick,
    cores: input.cores,
    loadAverage: input.loadAverage,
    node: process.version,
    sizes: input.sizes,
    ...input.summary,
    results: input.results,
    lines: input.lines,
  });
}
