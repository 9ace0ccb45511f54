import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { mintTicket, readTicket } from '../../domain/verification/ticket';
import { DependencyError } from '../../errors';
import { KmsTicketKeys, loadKmsTicketKeys, ticketKeyIdOf } from './kms-ticket-keys';

const kms = mockClient(KMSClient);

const claims = {
  ticketId: 'tKms000000000001',
  electionId: 'general-2026',
  voterKey: 'abcdefghijklmnopqrstuvwxyz012345',
  issuedAt: 1_790_000_000_000,
  expiresAt: 1_797_000_000_000,
};

/** A stand-in KMS key: its real private half signs as KMS would, answering in KMS's formats. */
function fakeKmsKey(spec: 'ECC_NIST_EDWARDS25519' | 'ECC_NIST_P256'): {
  privateKey: KeyObject;
  der: Uint8Array;
} {
  const { privateKey } =
    spec === 'ECC_NIST_EDWARDS25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, der: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }) };
}

function serve(
  keys: Record<string, { spec: string; privateKey: KeyObject; der: Uint8Array; usage?: string }>,
) {
  kms.on(GetPublicKeyCommand).callsFake((input: { KeyId: string }) => {
    const key = keys[input.KeyId];
    if (key === undefined) throw new Error('NotFoundException');
    return {
      KeyId: input.KeyId,
      KeySpec: key.spec,
      KeyUsage: key.usage ?? 'SIGN_VERIFY',
      PublicKey: key.der,
    };
  });
  kms.on(SignCommand).callsFake((input: { KeyId: string; Message: Uint8Array; SigningAlgorithm: string }) => {
    const key = keys[input.KeyId]!;
    const signature =
      input.SigningAlgorithm === 'ED25519_SHA_512'
        ? sign(null, input.Message, key.privateKey)
        : sign('sha256', input.Message, key.privateKey); // DER, as KMS returns ECDSA signatures
    return { KeyId: input.KeyId, Signature: signature, SigningAlgorithm: input.SigningAlgorithm };
  });
}

beforeEach(() => kms.reset());

describe('ticket keys in KMS', () => {
  it.each([
    ['ECC_NIST_EDWARDS25519', 'ED25519_SHA_512'],
    ['ECC_NIST_P256', 'ECDSA_SHA_256'],
  ] as const)(
    'signs a %s ticket with one RAW Sign call using %s, and verifies it offline',
    async (spec, algorithm) => {
      const key = fakeKmsKey(spec);
      serve({ 'alias/tickets-1': { spec, ...key } });
      const keys = await KmsTicketKeys.load(new KMSClient({ region: 'eu-west-1' }), {
        signing: { keyId: 'k1', kmsKeyId: 'alias/tickets-1' },
      });
      const ticket = await mintTicket(keys, claims);
      const signs = kms.commandCalls(SignCommand);
      expect(signs).toHaveLength(1);
      expect(signs[0]!.args[0].input).toMatchObject({
        KeyId: 'alias/tickets-1',
        MessageType: 'RAW',
        SigningAlgorithm: algorithm,
      });
      expect(Buffer.from(signs[0]!.args[0].input.Message!).toString()).toMatch(/^BT1\.k1\./);
      expect(readTicket(keys, ticket)).toEqual({ ok: true, value: claims });
      expect(kms.commandCalls(SignCommand)).toHaveLength(1);
    },
  );

  it('keeps verifying tickets of a trusted older key after rotation', async () => {
    const old = fakeKmsKey('ECC_NIST_P256');
    const fresh = fakeKmsKey('ECC_NIST_EDWARDS25519');
    serve({
      'alias/tickets-1': { spec: 'ECC_NIST_P256', ...old },
      'alias/tickets-2': { spec: 'ECC_NIST_EDWARDS25519', ...fresh },
    });
    const client = new KMSClient({ region: 'eu-west-1' });
    const before = await KmsTicketKeys.load(client, {
      signing: { keyId: 'k1', kmsKeyId: 'alias/tickets-1' },
    });
    const oldTicket = await mintTicket(before, claims);
    const after = await KmsTicketKeys.load(client, {
      signing: { keyId: 'k2', kmsKeyId: 'alias/tickets-2' },
      trusted: [{ keyId: 'k1', kmsKeyId: 'alias/tickets-1' }],
    });
    expect(after.currentKeyId).toBe('k2');
    expect(readTicket(after, oldTicket).ok).toBe(true);
    expect((await mintTicket(after, claims)).split('.')[1]).toBe('k2');
    const untrusting = await KmsTicketKeys.load(client, {
      signing: { keyId: 'k2', kmsKeyId: 'alias/tickets-2' },
    });
    expect(readTicket(untrusting, oldTicket)).toEqual({ ok: false, error: 'forged' });
  });

  it('refuses keys that cannot sign tickets, and reports KMS failures as dependency errors', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    serve({
      'alias/rsa': {
        spec: 'RSA_2048',
        privateKey: rsa.privateKey,
        der: createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'der' }),
      },
      'alias/encrypt': { spec: 'ECC_NIST_P256', usage: 'ENCRYPT_DECRYPT', ...fakeKmsKey('ECC_NIST_P256') },
    });
    const client = new KMSClient({ region: 'eu-west-1' });
    for (const kmsKeyId of ['alias/rsa', 'alias/encrypt', 'alias/missing']) {
      await expect(KmsTicketKeys.load(client, { signing: { keyId: 'k1', kmsKeyId } })).rejects.toBeInstanceOf(
        DependencyError,
      );
    }
  });
});

describe('the ticket keys of a Lambda', () => {
  it('names each KMS key by a short id derived from its ARN, and trusts older ARNs', async () => {
    const arn1 = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-1';
    const arn2 = 'arn:aws:kms:eu-west-1:111122223333:key/mrk-2';
    serve({
      [arn1]: { spec: 'ECC_NIST_EDWARDS25519', ...fakeKmsKey('ECC_NIST_EDWARDS25519') },
      [arn2]: { spec: 'ECC_NIST_EDWARDS25519', ...fakeKmsKey('ECC_NIST_EDWARDS25519') },
    });
    const client = new KMSClient({ region: 'eu-west-1' });
    const old = await loadKmsTicketKeys({ signingKeyArn: arn1, client });
    expect(old.currentKeyId).toBe(ticketKeyIdOf(arn1));
    expect(old.currentKeyId).toMatch(/^km[A-Za-z0-9]{6}$/);
    expect(ticketKeyIdOf(arn2)).not.toBe(ticketKeyIdOf(arn1));
    const ticket = await mintTicket(old, claims);
    const rotated = await loadKmsTicketKeys({ signingKeyArn: arn2, trustedKeyArns: [arn1], client });
    expect(readTicket(rotated, ticket).ok).toBe(true);
  });
});
