import { z } from 'zod';

/**
 * One wave of a rollout: it takes the fleet up to `upTo` of all machines, and is aborted (with
 * every later wave) once at least `minExecuted` of its machines finished and `abortAtPercent`
 * or more of those failed, were rejected or timed out, as an IoT Jobs `abortConfig` criterion.
 */
export const waveSchema = z.object({
  upTo: z.number().gt(0).lte(1),
  abortAtPercent: z.number().gt(0).lte(100),
  minExecuted: z.number().int().positive(),
});
export type Wave = z.infer<typeof waveSchema>;

/** `5%,25%,100%` with one threshold for all: the waves, each reaching further; the last reaches 100%. */
export function parseWaves(spec: string, abortAtPercent: number, minExecuted: number): Wave[] {
  const shares = spec.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)%\s*$/.exec(part);
    if (match === null) throw new Error(`a wave is a share of the fleet such as 10%, not "${part}"`);
    return Number(match[1]) / 100;
  });
  shares.forEach((share, i) => {
    if (share <= 0 || share > 1) throw new Error(`wave ${i + 1} takes ${share * 100}%: between 0 and 100%`);
    if (i > 0 && share <= shares[i - 1]!) throw new Error(`wave ${i + 1} does not reach past wave ${i}`);
  });
  if (shares.at(-1) !== 1) throw new Error('the last wave must reach 100% of the fleet');
  return shares.map((upTo) => waveSchema.parse({ upTo, abortAtPercent, minExecuted }));
}

/** The machines of each wave: wave i takes the fleet from the previous wave's share up to its own. */
export function planWaves(machines: readonly string[], waves: readonly Wave[]): string[][] {
  let from = 0;
  return waves.map((wave) => {
    const to = Math.min(machines.length, Math.max(from + 1, Math.ceil(wave.upTo * machines.length)));
    const slice = machines.slice(from, to);
    from = to;
    return slice;
  });
}

/** How a wave's executions stand. */
export interface WaveCounts {
  readonly targets: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly rejected: number;
  readonly timedOut: number;
}

export type WaveVerdict = 'running' | 'succeeded' | 'aborted';

/**
 * Whether a wave goes on, is done, or is aborted: aborted once enough executions finished and
 * the failure share reached the threshold (a wave smaller than `minExecuted` needs them all).
 */
export function waveVerdict(counts: WaveCounts, wave: Wave): WaveVerdict {
  const failures = counts.failed + counts.rejected + counts.timedOut;
  const executed = counts.succeeded + failures;
  const enough = Math.min(wave.minExecuted, counts.targets);
  if (executed >= enough && executed > 0 && failures * 100 >= wave.abortAtPercent * executed)
    return 'aborted';
  return executed >= counts.targets ? 'succeeded' : 'running';
}

/** What a rollout is: its id, the job document, each wave with its machines, and when an execution times out. */
export const rolloutPlanSchema = z.object({
  rolloutId: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, - and _ (an IoT job id)'),
  document: z.unknown(),
  waves: z.array(z.object({ wave: waveSchema, machines: z.array(z.string().min(1)) })).min(1),
  inProgressTimeoutMinutes: z.number().int().positive(),
});
export type RolloutPlan = z.infer<typeof rolloutPlanSchema>;

/** The rollout's plan from its machines and waves. */
export function rolloutPlan(
  rolloutId: string,
  document: unknown,
  machines: readonly string[],
  waves: readonly Wave[],
  inProgressTimeoutMinutes = 30,
): RolloutPlan {
  const planned = planWaves(machines, waves);
  return {
    rolloutId,
    document,
    inProgressTimeoutMinutes,
    waves: waves
      .map((wave, i) => ({ wave, machines: planned[i] ?? [] }))
      .filter((w) => w.machines.length > 0),
  };
}
