import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkBulletin, signBulletin } from '../../domain/close/bulletin';
import { DependencyError } from '../../errors';
import { electionKeyContract } from '../../testing/election-key-contract';
import { KmsElectionKey } from './kms-election-key';

const kms = mockClient(KMSClient);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });

const body = {
  format: 'ballotstream-bulletin/1' as const,
  electionId: 'e-1',
  generatedAt: '2026-05-01T19:00:00.000Z',
  machines: [],
  constituencies: [],
  audit: { entries: 0, headHash: '0'.repeat(64) },
};

describe('the election key in KMS', () => {
  beforeEach(() => kms.reset());

  it('signs the bulletin with ECDSA_SHA_256 over the raw message, and the signature verifies', async () => {
    kms
      .on(GetPublicKeyCommand)
      .resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: der });
    // KMS hashes a RAW message itself and answers DER, as node's sign does here.
    kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
      Signature: sign('sha256', input.Message, { key: privateKey, dsaEncoding: 'der' }),
    }));
    const bulletin = await signBulletin(new KmsElectionKey(new KMSClient({}), 'alias/election'), body);
    const request = kms.commandCalls(SignCommand)[0]!.args[0].input;
    expect(request).toMatchObject({
      KeyId: 'alias/election',
      MessageType: 'RAW',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    expect(checkBulletin(bulletin).problems).toEqual([]);
  });

  it('refuses a key that is not P-256', async () => {
    kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PublicKey: der });
    await expect(new KmsElectionKey(new KMSClient({}), 'k').publicKeyPem()).rejects.toBeInstanceOf(
      DependencyError,
    );
  });
});

// KMS as a recorded client with real crypto: GetPublicKey answers the DER SPKI, Sign signs in DER.
electionKeyContract('KMS (recorded client)', async () => {
  kms.reset();
  kms.on(GetPublicKeyCommand).resolves({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', PublicKey: der });
  kms.on(SignCommand).callsFake((input: { Message: Uint8Array }) => ({
    Signature: sign('sha256', input.Message, { key: privateKey, dsaEncoding: 'der' }),
  }));
  return new KmsElectionKey(new KMSClient({ region: 'ap-south-1' }), 'alias/election');
});
