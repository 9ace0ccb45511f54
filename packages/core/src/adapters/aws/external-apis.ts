import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { ConfigError, DependencyError } from '../../errors';
import type { ApiKeySource, ExternalApiOptions } from '../http/external-api';
import { BIOMETRIC_API, HttpBiometrics } from '../http/http-biometrics';
import { HttpVoterRegistry, VOTER_REGISTRY_API } from '../http/http-voter-registry';

/**
 * The link of an external API as `stacks/external-apis.ts` makes it: the base URL and the ARN of
 * the Secrets Manager secret that holds the bearer API key.
 */
export const externalApiLinkSchema = z.object({
  url: z.string().min(1),
  secretArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'must be a secret ARN'),
});

export type ExternalApiLink = z.infer<typeof externalApiLinkSchema>;

/** The URL a stage carries until someone points it at the real API (docs/deploy.md). */
export const UNSET_API_URL = 'unset';

/** How long a read API key is used before the secret is read again (a rotation lands within this). */
const KEY_TTL_MS = 5 * 60_000;

export interface SecretApiKeyOptions {
  readonly secretArn: string;
  /** The API the key is for, named in errors. */
  readonly api: string;
  readonly client?: SecretsManagerClient;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/**
 * An API key read from Secrets Manager: the secret's string is the key, or JSON with an `apiKey`
 * field. Read on first use, kept for a few minutes, shared by concurrent callers, and dropped
 * when the API refuses it (a 401), so a rotated key is picked up without a deployment.
 */
export function secretApiKey(options: SecretApiKeyOptions): ApiKeySource {
  const client = options.client ?? new SecretsManagerClient({ region: regionOf(options.secretArn) });
  const ttlMs = options.ttlMs ?? KEY_TTL_MS;
  const now = options.now ?? Date.now;
  let cached: { readonly key: Promise<string>; readonly at: number } | undefined;

  const read = async (): Promise<string> => {
    let value: string | undefined;
    try {
      value = (await client.send(new GetSecretValueCommand({ SecretId: options.secretArn }))).SecretString;
    } catch (cause) {
      throw new DependencyError(options.api, 'could not read its API key from Secrets Manager', { cause });
    }
    const key = keyIn(value);
    if (key === undefined) {
      throw new ConfigError(
        `${options.api}: the secret holding its API key is empty or has no apiKey field (docs/deploy.md)`,
      );
    }
    return key;
  };

  return {
    current: () => {
      if (cached === undefined || now() - cached.at >= ttlMs) {
        const key = read();
        const entry = { key, at: now() };
        cached = entry;
        // A failed read is not kept: the next call tries again.
        key.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.key;
    },
    rejected: () => {
      cached = undefined;
    },
  };
}

function keyIn(value: string | undefined): string | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { apiKey?: unknown };
    return typeof parsed.apiKey === 'string' && parsed.apiKey.trim() !== ''
      ? parsed.apiKey.trim()
      : undefined;
  } catch {
    return undefined;
  }
}

function regionOf(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

/** Checks a link's URL: set, absolute and HTTPS, since the API key travels in every request. */
function baseUrlOf(api: string, linkName: string, url: string): string {
  if (url === UNSET_API_URL) {
    throw new ConfigError(
      `${api}: no URL is set for this stage; set the ${linkName}Url secret (docs/deploy.md)`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${api}: the URL of link ${linkName} is not a URL`);
  }
  // The key travels in every request: https, or plain http on this machine's loopback only
  // (`sst dev` and the tests' contract server), where it never crosses a network.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    throw new ConfigError(`${api}: the URL of link ${linkName} must be https`);
  return parsed.href;
}

/** Settings tests pass instead of the real Secrets Manager and timers. */
export type ExternalApiBuildOptions = Partial<Omit<ExternalApiOptions, 'baseUrl' | 'apiKey'>> & {
  readonly secrets?: SecretsManagerClient;
  /** The link's name, for messages (`VoterRegistryApi`). */
  readonly linkName?: string;
};

/** The voter registry client of a Lambda, from its link (`LINKS.voterRegistryApi`). */
export function buildRegistryClient(
  link: ExternalApiLink,
  options: ExternalApiBuildOptions = {},
): HttpVoterRegistry {
  const api = VOTER_REGISTRY_API;
  const { secrets, linkName = 'VoterRegistryApi', ...rest } = options;
  return new HttpVoterRegistry({
    ...rest,
    baseUrl: baseUrlOf(api, linkName, link.url),
    apiKey: secretApiKey({ secretArn: link.secretArn, api, client: secrets }),
  });
}

/** The biometric API client of a Lambda, from its link (`LINKS.biometricApi`). */
export function buildBiometricsClient(
  link: ExternalApiLink,
  options: ExternalApiBuildOptions = {},
): HttpBiometrics {
  const api = BIOMETRIC_API;
  const { secrets, linkName = 'BiometricApi', ...rest } = options;
  return new HttpBiometrics({
    ...rest,
    baseUrl: baseUrlOf(api, linkName, link.url),
    apiKey: secretApiKey({ secretArn: link.secretArn, api, client: secrets }),
  });
}
