import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Blueprint, loadBlueprint } from '@ballotstream/core';
import { describeIssues } from '@ballotstream/events';
import { z } from 'zod';
import { checkTableRegions } from './tables';
import { voteStorePlans } from './vote-stores';

/**
 * Settings of the `aws` section only the SST app reads. The election blueprint's own schema
 * (`@ballotstream/core` `blueprintSchema`) checks the regions and passes these through.
 */
export const awsExtrasSchema = z.object({
  /**
   * The third region multi-region strong consistency needs (a witness that holds no data), in
   * the same MRSC region set as both replicas (`tablePlans` refuses any other); without it the
   * strongly consistent tables are eventually consistent global tables.
   */
  witnessRegion: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as ap-southeast-1')
    .optional(),
  /**
   * Aurora PostgreSQL per region, reached by a direct connection from Lambdas in the VPC (the
   * default, which a new account can create in every region); `postgres-data-api` reaches it by
   * the RDS Data API where AWS offers that; `timestream` only for accounts that still have
   * Timestream LiveAnalytics (closed to new accounts since 2025-06-20).
   */
  voteStore: z.enum(['postgres', 'postgres-data-api', 'timestream']).default('postgres'),
  /** Web domain of the monitoring centre and citizen app, when the stage has one. */
  domain: z.string().min(1).optional(),
});

/** What the SST app knows of a stage: the election blueprint, with its infrastructure settings. */
export type InfraBlueprint = Blueprint & {
  readonly aws: Blueprint['aws'] & z.infer<typeof awsExtrasSchema>;
};

/** The file holding a stage's blueprint: `BALLOTSTREAM_BLUEPRINT` when set, else `elections/<stage>.json`. */
export function blueprintPath(
  stage: string,
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return env.BALLOTSTREAM_BLUEPRINT || join(root, 'elections', `${stage}.json`);
}

/**
 * Reads a stage's election blueprint with the blueprint module's loader (every field checked,
 * data paths made absolute), then the `aws` settings only the SST app reads; names the file and
 * the bad field when something is wrong.
 */
export function loadInfraBlueprint(
  stage: string,
  root: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): InfraBlueprint {
  const path = blueprintPath(stage, root, env);
  const blueprint = loadBlueprint(path);
  const raw = JSON.parse(readFileSync(path, 'utf8')) as { aws?: unknown };
  const extras = awsExtrasSchema.safeParse(raw.aws ?? {});
  if (!extras.success) {
    const problems = describeIssues(extras.error, { prefix: 'aws.' }).join('; ');
    throw new Error(`stage ${stage}: the election blueprint ${path} is invalid: ${problems}`);
  }
  const aws = { ...blueprint.aws, ...extras.data };
  // Refuse a plan AWS would refuse mid-deploy, before any resource exists, naming the regions.
  try {
    checkTableRegions({
      primary: aws.primaryRegion,
      secondary: aws.secondaryRegion,
      witness: aws.witnessRegion,
    });
    voteStorePlans(aws.voteStore, { primary: aws.primaryRegion, secondary: aws.secondaryRegion });
  } catch (error) {
    throw new Error(
      `stage ${stage}: the election blueprint ${path} asks for what AWS does not offer: ${(error as Error).message}`,
    );
  }
  return { ...blueprint, aws };
}
