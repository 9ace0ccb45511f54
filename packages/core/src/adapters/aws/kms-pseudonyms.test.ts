import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../errors';
import { loadKmsPseudonyms, pseudonymSecretLabel } from './kms-pseudonyms';

describe('voter pseudonyms from a KMS HMAC key', () => {
  it('asks KMS once for the MAC of the stage label and hashes voter ids locally with it', async () => {
    const kms = mockClient(KMSClient);
    kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) });
    const pseudonyms = await loadKmsPseudonyms({
      client: new KMSClient({}),
      keyArn: 'arn:aws:kms:x:1:key/k',
      stage: 'prod',
    });
    const a = pseudonyms.voterKey('voter-1');
    expect(pseudonyms.voterKey('voter-1')).toBe(a);
    expect(pseudonyms.voterKey('voter-2')).not.toBe(a);
    expect(a).not.toContain('voter-1');
    const calls = kms.commandCalls(GenerateMacCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      KeyId: 'arn:aws:kms:x:1:key/k',
      MacAlgorithm: 'HMAC_SHA_256',
    });
    expect(Buffer.from(calls[0]!.args[0].input.Message!).toString()).toBe(pseudonymSecretLabel('prod'));
    kms.restore();
  });

  it('derives other pseudonyms from another MAC, so stages never share them', async () => {
    const kms = mockClient(KMSClient);
    kms
      .on(GenerateMacCommand)
      .resolvesOnce({ Mac: new Uint8Array(32).fill(7) })
      .resolvesOnce({ Mac: new Uint8Array(32).fill(8) });
    const client = new KMSClient({});
    const prod = await loadKmsPseudonyms({ client, keyArn: 'k', stage: 'prod' });
    const city = await loadKmsPseudonyms({ client, keyArn: 'k', stage: 'city' });
    expect(prod.voterKey('voter-1')).not.toBe(city.voterKey('voter-1'));
    kms.restore();
  });

  it('fails with a dependency error when KMS refuses', async () => {
    const kms = mockClient(KMSClient);
    kms.on(GenerateMacCommand).rejects(new Error('AccessDeniedException'));
    await expect(
      loadKmsPseudonyms({ client: new KMSClient({}), keyArn: 'k', stage: 'prod' }),
    ).rejects.toBeInstanceOf(DependencyError);
    kms.restore();
  });
});
