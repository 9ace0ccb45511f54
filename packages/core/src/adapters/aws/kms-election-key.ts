import { createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, type KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { DependencyError } from '../../errors';
import type { ElectionKey } from '../../ports/election-key';

/**
 * The election key in KMS: an asymmetric `ECC_NIST_P256` key with usage `SIGN_VERIFY`, signing
 * with `ECDSA_SHA_256` over the raw message (KMS hashes it); KMS answers DER, as the bulletin
 * carries it. The private half never leaves KMS; the public key is read once.
 */
export class KmsElectionKey implements ElectionKey {
  private publicPem: Promise<string> | undefined;

  constructor(
    private readonly kms: KMSClient,
    private readonly kmsKeyId: string,
  ) {}

  publicKeyPem(): Promise<string> {
    this.publicPem ??= this.kms.send(new GetPublicKeyCommand({ KeyId: this.kmsKeyId })).then((answer) => {
      if (answer.KeySpec !== 'ECC_NIST_P256' || answer.PublicKey === undefined)
        throw new DependencyError(
          'kms',
          `election key ${this.kmsKeyId} must be an ECC_NIST_P256 signing key`,
        );
      return createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
    });
    return this.publicPem;
  }

  async sign(bytes: Uint8Array): Promise<Uint8Array> {
    const answer = await this.kms.send(
      new SignCommand({
        KeyId: this.kmsKeyId,
        Message: bytes,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (answer.Signature === undefined) throw new DependencyError('kms', 'KMS returned no signature');
    return answer.Signature;
  }
}
