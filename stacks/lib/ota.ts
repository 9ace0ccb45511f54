import { type RolloutPlan, updateJobDocumentSchema } from '@ballotstream/gateway/ota';

/** Where an update package lies in S3: its bucket and the prefix its two files are under. */
export interface PackageLocation {
  readonly bucket: string;
  readonly region: string;
  /** `gateway/<version>`: the prefix holding `manifest.json` and the artifact. */
  readonly prefix: string;
  readonly artifactName: string;
}

/** One wave as IoT Jobs runs it: a static thing group of its machines, and the job on that group. */
export interface WaveJob {
  readonly thingGroupName: string;
  readonly things: readonly string[];
  /** The `CreateJob` request, but for the group's ARN, which IoT gives when the group is created. */
  readonly createJob: {
    readonly jobId: string;
    readonly targetSelection: 'SNAPSHOT';
    readonly document: string;
    readonly presignedUrlConfig: { readonly roleArn: string; readonly expiresInSec: number };
    readonly abortConfig: {
      readonly criteriaList: readonly {
        readonly failureType: 'ALL';
        readonly action: 'CANCEL';
        readonly thresholdPercentage: number;
        readonly minNumberOfExecutedThings: number;
      }[];
    };
    readonly timeoutConfig: { readonly inProgressTimeoutInMinutes: number };
    readonly jobExecutionsRolloutConfig: { readonly maximumPerMinute: number };
  };
}

/** IoT Jobs replaces this placeholder in a job document with a pre-signed URL, made with the job's role. */
const presigned = (location: PackageLocation, file: string) =>
  `\${aws:iot:s3-presigned-url:https://s3.${location.region}.amazonaws.com/${location.bucket}/${location.prefix}/${file}}`;

/**
 * The IoT Jobs of a rollout in AWS, one per wave as the local stand-in runs them: the job
 * document points at the package through pre-signed URLs (`stacks/ota.ts`'s bucket and role),
 * and each wave's `abortConfig` cancels it once its failure share reaches the wave's threshold
 * (failed, rejected and timed out together, `ALL`). The next wave's job is created when the
 * previous one completed; an aborted wave's job ends canceled and none follows.
 */
export function waveJobs(
  stage: string,
  plan: RolloutPlan,
  location: PackageLocation,
  presignRoleArn: string,
): WaveJob[] {
  const document = updateJobDocumentSchema.parse({
    ...(plan.document as object),
    operation: 'ballotstream.gateway-update',
    manifestUrl: presigned(location, 'manifest.json'),
    artifactUrl: presigned(location, location.artifactName),
  });
  return plan.waves.map(({ wave, machines }, i) => ({
    thingGroupName: `ballotstream-${stage}-ota-${plan.rolloutId}-w${i + 1}`.slice(0, 128),
    things: machines,
    createJob: {
      jobId: `${plan.rolloutId}-w${i + 1}`,
      targetSelection: 'SNAPSHOT',
      document: JSON.stringify(document),
      presignedUrlConfig: { roleArn: presignRoleArn, expiresInSec: 3600 },
      abortConfig: {
        criteriaList: [
          {
            failureType: 'ALL',
            action: 'CANCEL',
            thresholdPercentage: wave.abortAtPercent,
            minNumberOfExecutedThings: Math.min(wave.minExecuted, machines.length),
          },
        ],
      },
      timeoutConfig: { inProgressTimeoutInMinutes: plan.inProgressTimeoutMinutes },
      // IoT Jobs' own pace limit within a wave; the waves themselves pace the fleet.
      jobExecutionsRolloutConfig: { maximumPerMinute: 1000 },
    },
  }));
}
