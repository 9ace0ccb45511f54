import { z } from 'zod';
import { COMPONENT_ENV, type ComponentConfiguration, VERSION_ENV } from './component-config';

/**
 * The fields of a Greengrass v2 component recipe the project writes, as the recipe reference
 * defines them: the format version, a name and a semantic version, and manifests whose
 * artifacts each name a URI (S3 here), with an optional lifecycle. Fields the project does not
 * use are allowed through, as Greengrass allows them.
 */
const artifactSchema = z.looseObject({
  URI: z.string().regex(/^(s3|docker|greengrass):/, 'an artifact URI is s3://, docker: or greengrass:'),
  Unarchive: z.enum(['NONE', 'ZIP']).optional(),
  Permission: z
    .object({
      Read: z.enum(['NONE', 'OWNER', 'ALL']).optional(),
      Execute: z.enum(['NONE', 'OWNER', 'ALL']).optional(),
    })
    .optional(),
});
const lifecycleSchema = z.looseObject({
  Setenv: z.record(z.string(), z.string()).optional(),
  Install: z.union([z.string(), z.looseObject({ Script: z.string() })]).optional(),
  Run: z.union([z.string(), z.looseObject({ Script: z.string() })]).optional(),
  Shutdown: z.union([z.string(), z.looseObject({ Script: z.string() })]).optional(),
});
export const greengrassRecipeSchema = z.looseObject({
  RecipeFormatVersion: z.literal('2020-01-25'),
  ComponentName: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .max(128),
  ComponentVersion: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'major.minor.patch'),
  ComponentDescription: z.string().optional(),
  ComponentPublisher: z.string().optional(),
  ComponentConfiguration: z
    .looseObject({ DefaultConfiguration: z.record(z.string(), z.unknown()) })
    .optional(),
  ComponentDependencies: z
    .record(
      z.string(),
      z.looseObject({ VersionRequirement: z.string(), DependencyType: z.enum(['HARD', 'SOFT']).optional() }),
    )
    .optional(),
  Manifests: z
    .array(
      z.looseObject({
        Platform: z.record(z.string(), z.string()).optional(),
        Lifecycle: lifecycleSchema.optional(),
        Artifacts: z.array(artifactSchema).optional(),
      }),
    )
    .min(1),
});
export type GreengrassRecipe = z.infer<typeof greengrassRecipeSchema>;

/** Keys the device itself answers: the thing name is the machine id, the queue lives in the component's work folder. */
const FROM_DEVICE: Partial<Record<keyof ComponentConfiguration, string>> = {
  machineId: '{iot:thingName}',
  queueDir: '{work:path}/queue',
  otaDir: '{work:path}/install',
};

/** The gateway component's name in every account. */
export const GATEWAY_COMPONENT = 'ballotstream.BoothGateway';

/** What a recipe is made from: the version, where the artifacts are uploaded, the artifacts, defaults. */
export interface GatewayRecipeInput {
  readonly version: string;
  /** `s3://<bucket>/<prefix>`: each artifact is uploaded under it by its file name. */
  readonly artifactsUri: string;
  /** The files the build produced, by name; the first is the gateway's entry point. */
  readonly artifacts: readonly string[];
  readonly defaults?: Partial<
    Record<Exclude<keyof ComponentConfiguration, 'machineId' | 'queueDir' | 'otaDir'>, string>
  >;
}

/**
 * The gateway component's recipe: Node runs the bundled gateway's host (`ota/host.ts`), which
 * installs this version and runs it, swapping in over-the-air updates; the gateway reads its configuration
 * from environment variables the lifecycle fills from the component configuration (the thing
 * name is the machine id), so one component version serves every booth and a deployment sets
 * only the election's and region's values.
 */
export function gatewayRecipe(input: GatewayRecipeInput): GreengrassRecipe {
  const [entry] = input.artifacts;
  if (entry === undefined) throw new Error('the gateway component needs its bundled entry point');
  const setenv = Object.fromEntries(
    (Object.entries(COMPONENT_ENV) as [keyof ComponentConfiguration, string][]).map(([key, variable]) => [
      variable,
      FROM_DEVICE[key] ?? `{configuration:/${key}}`,
    ]),
  );
  const defaults = {
    stage: '',
    boothId: '',
    electionId: '',
    constituencyId: '',
    brokers: '',
    certificatePath: '/greengrass/v2/thingCert.crt',
    privateKeyPath: '/greengrass/v2/privKey.key',
    rootCaPath: '/greengrass/v2/rootCA.pem',
    signingKeyPath: '/greengrass/v2/ballotstream/signing-key.pem',
    codeSigningPublicKeyPath: '/greengrass/v2/ballotstream/code-signing.pub.pem',
    bucketMs: '60000',
    ...input.defaults,
  };
  return {
    RecipeFormatVersion: '2020-01-25',
    ComponentName: GATEWAY_COMPONENT,
    ComponentVersion: input.version,
    ComponentDescription:
      'The booth gateway: signs, seals, queues and delivers votes, failing over between regions.',
    ComponentPublisher: 'ballotstream',
    ComponentConfiguration: { DefaultConfiguration: defaults },
    Manifests: [
      {
        Platform: { os: 'linux' },
        // The host runs the installed gateway version (this one until an over-the-air update).
        Lifecycle: {
          Setenv: { ...setenv, [VERSION_ENV]: input.version },
          Run: `node {artifacts:path}/${entry} --host --greengrass`,
        },
        Artifacts: input.artifacts.map((file) => ({
          URI: `${input.artifactsUri.replace(/\/$/, '')}/${file}`,
          Permission: { Read: 'OWNER', Execute: 'NONE' },
        })),
      },
    ],
  };
}
