import { ConfigError } from '@ballotstream/core';
import { HttpBiometrics, HttpVoterRegistry } from '@ballotstream/core/adapters/http';
import { describe, expect, it } from 'vitest';
import { LINKS } from '../links';
import { buildAwsDeps } from './aws-deps';

process.env.AWS_REGION = 'ap-south-1';
const reader = (links: Record<string, unknown>) => (name: string) => links[name];
const secretArn = (name: string) => `arn:aws:secretsmanager:ap-south-1:123456789012:secret:${name}-AbCdEf`;

describe('the external APIs of a Lambda', () => {
  it('builds the registry and biometric clients from their links', async () => {
    const deps = await buildAwsDeps(
      reader({
        [LINKS.voterRegistryApi]: {
          url: 'https://registry.example.gov/api',
          secretArn: secretArn('registry'),
        },
        [LINKS.biometricApi]: { url: 'https://bio.example.gov', secretArn: secretArn('bio') },
      }),
    );
    expect(deps.voterRegistry).toBeInstanceOf(HttpVoterRegistry);
    expect(deps.biometrics).toBeInstanceOf(HttpBiometrics);
    // One client per cold start.
    expect(deps.voterRegistry).toBe(deps.voterRegistry);
  });

  it('fails naming the link a function lacks, or a malformed one', async () => {
    const deps = await buildAwsDeps(reader({}));
    expect(() => deps.voterRegistry.find('IN-1')).toThrow(ConfigError);
    expect(() => deps.voterRegistry.find('IN-1')).toThrow(/this function is not linked to VoterRegistryApi/);
    await expect(
      buildAwsDeps(reader({ [LINKS.biometricApi]: { url: 'https://bio.example.gov' } })),
    ).rejects.toThrow(/link BiometricApi is malformed/);
  });
});
