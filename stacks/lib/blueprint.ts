import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { severitySchema } from '@ballotstream/events';
import { z } from 'zod';

/**
 * The part of an election blueprint (`elections/<stage>.json`) the SST app reads. The full
 * blueprint and its loader belong to the blueprint module; this schema lists only what the
 * infrastructure needs and ignores every other key, so the two can grow apart safely.
 */
export const infraBlueprintSchema = z.object({
  /** The election this stage runs; handlers read it as `BALLOTSTREAM_ELECTION_ID`. */
  electionId: z.string().min(1).optional(),
  aws: z.object({
    primaryRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-south-1'),
    secondaryRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-south-2'),
    /**
     * The third region multi-region strong consistency needs (a witness that holds no data);
     * without it the strongly consistent tables fall back to eventually consistent replicas.
     */
    witnessRegion: z.string().optional(),
    /** Timestream LiveAnalytics where the account has it, else Aurora PostgreSQL per region. */
    voteStore: z.enum(['timestream', 'postgres']).default('timestream'),
    /** Web domain of the monitoring centre and citizen app, when the stage has one. */
    domain: z.string().optional(),
  }),
  /**
   * Officers to notify, as `OfficerContact` of the alerts module: each subscribed to the alerts
   * of their region at or above a severity. Ids must be the registry's officer ids, which the
   * notifier names in each message so the per-officer throttle holds.
   */
  officers: z
    .array(
      z.object({
        officerId: z.string().min(1),
        regionId: z.string().min(1),
        name: z.string().optional(),
        email: z.string().email().optional(),
        phone: z
          .string()
          .regex(/^\+\d{6,15}$/, 'a phone number in E.164 form, e.g. +919800000000')
          .optional(),
        notifyBy: z.array(z.enum(['sms', 'email'])).default(['sms', 'email']),
        minSeverity: severitySchema.default('warning'),
      }),
    )
    .default([]),
});
export type InfraBlueprint = z.infer<typeof infraBlueprintSchema>;

/** The file holding a stage's blueprint: `BALLOTSTREAM_BLUEPRINT` when set, else `elections/<stage>.json`. */
export function blueprintPath(
  stage: string,
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.BALLOTSTREAM_BLUEPRINT || join(root, 'elections', `${stage}.json`);
}

/** Reads and validates the infrastructure part of a stage's blueprint, naming the file and the bad field. */
export function loadInfraBlueprint(
  stage: string,
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): InfraBlueprint {
  const path = blueprintPath(stage, root, env);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`stage ${stage}: cannot read the election blueprint ${path}`, { cause: error });
  }
  const parsed = infraBlueprintSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`stage ${stage}: the election blueprint ${path} is invalid: ${problems}`);
  }
  return parsed.data;
}
