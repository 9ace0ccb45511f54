import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { HmacVoterPseudonyms } from '../../domain/crypto/voter-pseudonyms';
import { DependencyError } from '../../errors';

/** The label whose MAC under the stage's HMAC key becomes the pseudonym secret. */
export function pseudonymSecretLabel(stage: string): string {
  return `ballotstream voter pseudonym secret v1 / ${stage}`;
}

export interface KmsPseudonymsOptions {
  readonly client: KMSClient;
  /** The HMAC_256 KMS key (multi-Region, so both regions derive the same secret). */
  readonly keyArn: string;
  readonly stage: string;
}

/**
 * Derives the voter-pseudonym secret once per cold start as the KMS MAC of a fixed label, then
 * hashes voter ids locally: one KMS call per cold start instead of one per ticket, the same
 * pseudonyms in both regions and across restarts, and the secret never stored anywhere.
 */
export async function loadKmsPseudonyms(options: KmsPseudonymsOptions): Promise<HmacVoterPseudonyms> {
  let mac: Uint8Array | undefined;
  try {
    const out = await options.client.send(
      new GenerateMacCommand({
        KeyId: options.keyArn,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: Buffer.from(pseudonymSecretLabel(options.stage)),
      }),
    );
    mac = out.Mac;
  } catch (cause) {
    throw new DependencyError('kms', 'could not derive the voter pseudonym secret', { cause });
  }
  if (mac === undefined || mac.length < 32) throw new DependencyError('kms', 'GenerateMac returned no MAC');
  return new HmacVoterPseudonyms(mac);
}
