import { describeIssues } from '@ballotstream/events';
import { z } from 'zod';
import type { GatewayProcessConfig } from '../process-config';

/**
 * The gateway's Greengrass component configuration: who the booth is, where the brokers are and
 * where the machine's certificate and keys lie on the device. Every value is a string, so the
 * recipe can hand each one to the process through an environment variable (`Setenv` with
 * `{configuration:/key}`), which Greengrass interpolates for strings alone.
 */
export const componentConfigurationSchema = z.object({
  stage: z.string().min(1),
  /** The thing name; the recipe sets it from `{iot:thingName}`. */
  machineId: z.string().min(1),
  boothId: z.string().min(1),
  electionId: z.string().min(1),
  constituencyId: z.string().min(1),
  /** The brokers in order, comma-separated: the primary region's first, then those to fail over to. */
  brokers: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url.length > 0),
    )
    .pipe(z.array(z.string().regex(/^mqtts?:\/\//, 'a broker is an mqtt:// or mqtts:// URL')).min(1)),
  certificatePath: z.string().min(1),
  privateKeyPath: z.string().min(1),
  rootCaPath: z.string().min(1),
  /** The machine's Ed25519 vote-signing key (PKCS#8 PEM), apart from its TLS key. */
  signingKeyPath: z.string().min(1),
  queueDir: z.string().min(1),
  bucketMs: z.coerce.number().int().positive(),
  /** The election's code-signing public key (PEM): the only key an over-the-air update may carry. */
  codeSigningPublicKeyPath: z.string().min(1),
  /** The install folder the host runs gateway versions from; the recipe puts it in the work folder. */
  otaDir: z.string().min(1),
});
export type ComponentConfiguration = z.infer<typeof componentConfigurationSchema>;
type ConfigurationKey = keyof ComponentConfiguration;

/** The environment variable that tells a gateway process which installed version it is. */
export const VERSION_ENV = 'BALLOTSTREAM_GATEWAY_VERSION';

/** The environment variable each configuration key reaches the process by. */
export const COMPONENT_ENV: { readonly [K in ConfigurationKey]: string } = {
  stage: 'BALLOTSTREAM_STAGE',
  machineId: 'BALLOTSTREAM_MACHINE_ID',
  boothId: 'BALLOTSTREAM_BOOTH_ID',
  electionId: 'BALLOTSTREAM_ELECTION_ID',
  constituencyId: 'BALLOTSTREAM_CONSTITUENCY_ID',
  brokers: 'BALLOTSTREAM_BROKERS',
  certificatePath: 'BALLOTSTREAM_CERTIFICATE_PATH',
  privateKeyPath: 'BALLOTSTREAM_PRIVATE_KEY_PATH',
  rootCaPath: 'BALLOTSTREAM_ROOT_CA_PATH',
  signingKeyPath: 'BALLOTSTREAM_SIGNING_KEY_PATH',
  queueDir: 'BALLOTSTREAM_QUEUE_DIR',
  bucketMs: 'BALLOTSTREAM_BUCKET_MS',
  codeSigningPublicKeyPath: 'BALLOTSTREAM_CODE_SIGNING_KEY_PATH',
  otaDir: 'BALLOTSTREAM_OTA_DIR',
};

/** Reads the component configuration from the environment the recipe set, naming each bad key. */
export function componentConfigurationFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): ComponentConfiguration {
  const raw = Object.fromEntries(
    (Object.keys(COMPONENT_ENV) as ConfigurationKey[]).map((key) => [key, env[COMPONENT_ENV[key]]]),
  );
  const parsed = componentConfigurationSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).join('; ');
    throw new Error(`the component configuration is invalid: ${problems}`);
  }
  return parsed.data;
}

/** The gateway process's configuration from the component's, reading the certificate and keys from their paths. */
export function processConfigOf(
  component: ComponentConfiguration,
  read: (path: string) => string,
): GatewayProcessConfig {
  const [primary, ...fallbacks] = component.brokers;
  return {
    stage: component.stage,
    machineId: component.machineId,
    boothId: component.boothId,
    electionId: component.electionId,
    constituencyId: component.constituencyId,
    privateKeyPem: read(component.signingKeyPath),
    mqttUrl: primary!,
    ...(fallbacks.length === 0 ? {} : { fallbackMqttUrls: fallbacks }),
    tls: {
      certPem: read(component.certificatePath),
      keyPem: read(component.privateKeyPath),
      caPem: read(component.rootCaPath),
    },
    bucketMs: component.bucketMs,
    queueDir: component.queueDir,
    ota: { dir: component.otaDir, codeSigningPublicKeyPem: read(component.codeSigningPublicKeyPath) },
  };
}
