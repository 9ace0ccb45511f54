import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  KMSClient,
  SignCommand,
  type SignCommandInput,
} from '@aws-sdk/client-kms';
import { derToP1363, verifyTicketSignature } from '../../domain/crypto/ticket-signature';
import { DependencyError } from '../../errors';
import type { TicketKeys, TicketPublicKey } from '../../ports/ticket-keys';

/** A ticket key as the ticket names it (`keyId`, short) and as KMS knows it (id, ARN or alias). */
export interface KmsTicketKeyRef {
  readonly keyId: string;
  readonly kmsKeyId: string;
}

/** The KMS key specs a ticket key may have, and how each one signs. */
const SCHEMES = {
  // KMS signs Ed25519 itself (key spec ECC_NIST_EDWARDS25519); pure Ed25519 needs MessageType RAW.
  ECC_NIST_EDWARDS25519: { algorithm: 'ED25519_SHA_512', der: false },
  // ECDSA P-256 with SHA-256; KMS answers in DER, which the ticket carries as 64-byte r||s.
  ECC_NIST_P256: { algorithm: 'ECDSA_SHA_256', der: true },
} as const;
type TicketKeySpec = keyof typeof SCHEMES;

interface LoadedKey {
  readonly ref: KmsTicketKeyRef;
  readonly spec: TicketKeySpec;
  readonly publicKey: KeyObject;
}

/** The Sign request for a ticket: the whole message goes to KMS, which hashes as the scheme says. */
export function signRequestOf(kmsKeyId: string, spec: TicketKeySpec, message: Uint8Array): SignCommandInput {
  return {
    KeyId: kmsKeyId,
    Message: message,
    MessageType: 'RAW',
    SigningAlgorithm: SCHEMES[spec].algorithm,
  };
}

function publicKeyOf(ref: KmsTicketKeyRef, answer: GetPublicKeyCommandOutput): LoadedKey {
  const spec = answer.KeySpec;
  if (spec !== 'ECC_NIST_EDWARDS25519' && spec !== 'ECC_NIST_P256') {
    throw new DependencyError(
      'kms',
      `ticket key ${ref.kmsKeyId} has key spec ${spec}; use ECC_NIST_EDWARDS25519 or ECC_NIST_P256`,
    );
  }
  if (answer.KeyUsage !== 'SIGN_VERIFY') {
    throw new DependencyError('kms', `ticket key ${ref.kmsKeyId} is not a signing key (${answer.KeyUsage})`);
  }
  if (answer.PublicKey === undefined) throw new DependencyError('kms', `no public key for ${ref.kmsKeyId}`);
  const publicKey = createPublicKey({ key: Buffer.from(answer.PublicKey), format: 'der', type: 'spki' });
  return { ref, spec, publicKey };
}

/**
 * Ticket keys in KMS: the private keys never leave it; signing is one `Sign` call, and
 * verification is local with the public keys fetched once at cold start, so a booth or a
 * Lambda verifies tickets without calling KMS. Older keys stay trusted after a rotation.
 */
export class KmsTicketKeys implements TicketKeys {
  private constructor(
    private readonly client: KMSClient,
    private readonly signing: LoadedKey,
    private readonly trusted: ReadonlyMap<string, LoadedKey>,
  ) {}

  /** Fetches the public keys of the signing key and of every older key still trusted. */
  static async load(
    client: KMSClient,
    options: { readonly signing: KmsTicketKeyRef; readonly trusted?: readonly KmsTicketKeyRef[] },
  ): Promise<KmsTicketKeys> {
    const refs = [options.signing, ...(options.trusted ?? [])];
    const loaded = await Promise.all(
      refs.map(async (ref) => {
        try {
          return publicKeyOf(ref, await client.send(new GetPublicKeyCommand({ KeyId: ref.kmsKeyId })));
        } catch (cause) {
          if (cause instanceof DependencyError) throw cause;
          throw new DependencyError('kms', `could not read the public key of ${ref.kmsKeyId}`, { cause });
        }
      }),
    );
    const trusted = new Map(loaded.map((key) => [key.ref.keyId, key]));
    return new KmsTicketKeys(client, loaded[0]!, trusted);
  }

  get currentKeyId(): string {
    return this.signing.ref.keyId;
  }

  async sign(message: Uint8Array): Promise<{ keyId: string; signature: Uint8Array }> {
    const { ref, spec } = this.signing;
    let signature: Uint8Array | undefined;
    try {
      signature = (await this.client.send(new SignCommand(signRequestOf(ref.kmsKeyId, spec, message))))
        .Signature;
    } catch (cause) {
      throw new DependencyError('kms', `signing with ${ref.kmsKeyId} failed`, { cause });
    }
    const raw =
      signature === undefined
        ? undefined
        : SCHEMES[spec].der
          ? derToP1363(signature)
          : Buffer.from(signature);
    if (raw === undefined || raw.length !== 64)
      throw new DependencyError('kms', 'KMS returned no usable signature');
    return { keyId: ref.keyId, signature: raw };
  }

  publicKeys(): TicketPublicKey[] {
    return [...this.trusted.values()].map(({ ref, publicKey }) => ({
      keyId: ref.keyId,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }));
  }

  verify(keyId: string, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.trusted.get(keyId);
    return key !== undefined && verifyTicketSignature(key.publicKey, message, signature);
  }
}

/** The short id a ticket carries for a KMS key: stable per key ARN, a few characters for the QR code. */
export function ticketKeyIdOf(kmsKeyArn: string): string {
  return `km${createHash('sha256').update(kmsKeyArn).digest('base64url').slice(0, 6).replace(/[-_]/g, 'x')}`;
}

/**
 * The ticket keys of a Lambda: the linked KMS key signs (and verifies), and keys listed as
 * `trusted` (older ARNs after a rotation) still verify. Fetches public keys once, at cold start.
 */
export async function loadKmsTicketKeys(options: {
  readonly signingKeyArn: string;
  readonly trustedKeyArns?: readonly string[];
  readonly client?: KMSClient;
}): Promise<KmsTicketKeys> {
  const ref = (arn: string): KmsTicketKeyRef => ({ keyId: ticketKeyIdOf(arn), kmsKeyId: arn });
  return KmsTicketKeys.load(options.client ?? new KMSClient({}), {
    signing: ref(options.signingKeyArn),
    trusted: (options.trustedKeyArns ?? []).map(ref),
  });
}
