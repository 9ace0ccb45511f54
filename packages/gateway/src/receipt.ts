import { createHmac, hkdfSync, type KeyObject } from 'node:crypto';
import { RECEIPT_ALPHABET, RECEIPT_SYMBOLS } from '@ballotstream/events';

/**
 * The machine's receipt key, derived from its private signing key: it never leaves the machine
 * and the cloud, which holds only the public key, cannot compute it.
 */
export function receiptKeyOf(privateKey: KeyObject): Buffer {
  const secret = privateKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ballotstream/receipt/v1', 32));
}

/**
 * The receipt a booth prints for a vote: HMAC-SHA256 of the vote id under the machine's receipt
 * key, truncated to 60 bits and written in Crockford base32. It depends on nothing but the random
 * vote id, so it says nothing about the choice or the voter.
 */
export function receiptCode(receiptKey: Buffer, voteId: string): string {
  const mac = createHmac('sha256', receiptKey).update(`vote:${voteId}`).digest();
  let bits = 0n;
  for (const byte of mac.subarray(0, 8)) bits = (bits << 8n) | BigInt(byte);
  bits >>= BigInt(64 - RECEIPT_SYMBOLS * 5);
  let code = '';
  for (let i = RECEIPT_SYMBOLS - 1; i >= 0; i--) {
    code += RECEIPT_ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  }
  return code;
}
