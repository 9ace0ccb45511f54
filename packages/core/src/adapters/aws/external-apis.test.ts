import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, DependencyError } from '../../errors';
import { HttpBiometrics } from '../http/http-biometrics';
import { HttpVoterRegistry } from '../http/http-voter-registry';
import {
  buildBiometricsClient,
  buildRegistryClient,
  externalApiLinkSchema,
  secretApiKey,
  UNSET_API_URL,
} from './external-apis';

const secrets = mockClient(SecretsManagerClient);
const secretArn = 'arn:aws:secretsmanager:ap-south-1:123456789012:secret:bs-prod-registry-key-AbCdEf';

describe('the API key of an external API, from Secrets Manager', () => {
  beforeEach(() => secrets.reset());

  it('reads the secret named by its ARN once, and shares the read between concurrent calls', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'key-1\n' });
    const key = secretApiKey({ secretArn, api: 'voter registry API', client: new SecretsManagerClient({}) });
    expect(await Promise.all([key.current(), key.current()])).toEqual(['key-1', 'key-1']);
    expect(await key.current()).toBe('key-1');
    expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: secretArn },
    ]);
  });

  it('takes the apiKey field of a JSON secret', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: '{"apiKey":"key-2","note":"rotated Monday"}' });
    const key = secretApiKey({ secretArn, api: 'biometric API', client: new SecretsManagerClient({}) });
    expect(await key.current()).toBe('key-2');
  });

  it('reads the secret again after its time to live, and after the API refused the key', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'old' })
      .resolvesOnce({ SecretString: 'new' })
      .resolves({ SecretString: 'newer' });
    let now = 0;
    const key = secretApiKey({
      secretArn,
      api: 'biometric API',
      client: new SecretsManagerClient({}),
      now: () => now,
    });
    expect(await key.current()).toBe('old');
    now = 5 * 60_000;
    expect(await key.current()).toBe('new');
    key.rejected?.();
    expect(await key.current()).toBe('newer');
  });

  it('fails naming the API when the secret cannot be read, and reads again on the next call', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('AccessDeniedException'))
      .resolves({ SecretString: 'key-3' });
    const key = secretApiKey({ secretArn, api: 'voter registry API', client: new SecretsManagerClient({}) });
    const error = await key.current().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect(String(error)).toMatch(
      /^DependencyError: voter registry API: could not read its API key from Secrets Manager/,
    );
    expect(await key.current()).toBe('key-3');
  });

  it('refuses an empty secret, or JSON without an apiKey, as a configuration error', async () => {
    const client = new SecretsManagerClient({});
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: '  ' })
      .resolves({ SecretString: '{"key":"x"}' });
    await expect(secretApiKey({ secretArn, api: 'biometric API', client }).current()).rejects.toThrow(
      ConfigError,
    );
    await expect(secretApiKey({ secretArn, api: 'biometric API', client }).current()).rejects.toThrow(
      /biometric API: the secret holding its API key is empty or has no apiKey field/,
    );
  });
});

describe('the clients built from their links', () => {
  it('builds the registry and biometric clients from a base URL and a secret ARN', () => {
    const link = externalApiLinkSchema.parse({ url: 'https://registry.example.gov/api', secretArn });
    expect(buildRegistryClient(link)).toBeInstanceOf(HttpVoterRegistry);
    expect(buildBiometricsClient({ ...link, url: 'https://bio.example.gov' })).toBeInstanceOf(HttpBiometrics);
  });

  it('refuses a link whose secret is not a Secrets Manager ARN', () => {
    expect(
      externalApiLinkSchema.safeParse({ url: 'https://x.example', secretArn: 'bs-prod-key' }).success,
    ).toBe(false);
  });

  it('refuses a stage whose URL was never set, saying which secret to set', () => {
    expect(() => buildRegistryClient({ url: UNSET_API_URL, secretArn })).toThrow(
      /voter registry API: no URL is set for this stage; set the VoterRegistryApiUrl secret/,
    );
  });

  it('refuses plain HTTP, since the API key travels in every request', () => {
    expect(() => buildBiometricsClient({ url: 'http://bio.example.gov', secretArn })).toThrow(
      /must be https/,
    );
    expect(() => buildBiometricsClient({ url: 'not a url', secretArn })).toThrow(ConfigError);
  });
});
