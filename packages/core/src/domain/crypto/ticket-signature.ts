import { type KeyObject, verify } from 'node:crypto';

/** Every ticket signature is 64 bytes: Ed25519's own, or ECDSA P-256's r||s (IEEE P1363). */
export const TICKET_SIGNATURE_BYTES = 64;

/** Verifies a ticket signature with a public key, whichever of the two schemes it uses; never throws. */
export function verifyTicketSignature(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== TICKET_SIGNATURE_BYTES) return false;
  try {
    if (key.asymmetricKeyType === 'ed25519') return verify(null, message, key, signature);
    if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      // Raw r||s keeps ECDSA signatures as short as Ed25519's, for the QR code.
      return verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return false;
  } catch {
    return false;
  }
}

/**
 * Turns a DER-encoded ECDSA signature (what KMS returns) into r||s of `size` bytes each;
 * undefined when the DER is not a well-formed SEQUENCE of two INTEGERs.
 */
export function derToP1363(der: Uint8Array, size = 32): Buffer | undefined {
  const bytes = Buffer.from(der);
  let at = 0;
  const readLength = (): number | undefined => {
    const first = bytes[at++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return undefined;
    let length = 0;
    for (let i = 0; i < count; i++) {
      const b = bytes[at++];
      if (b === undefined) return undefined;
      length = (length << 8) | b;
    }
    return length;
  };
  const readInteger = (): Buffer | undefined => {
    if (bytes[at++] !== 0x02) return undefined;
    const length = readLength();
    if (length === undefined || at + length > bytes.length) return undefined;
    let value = bytes.subarray(at, at + length);
    at += length;
    while (value.length > 0 && value[0] === 0) value = value.subarray(1);
    if (value.length > size) return undefined;
    return Buffer.concat([Buffer.alloc(size - value.length), value]);
  };
  if (bytes[at++] !== 0x30) return undefined;
  const total = readLength();
  if (total === undefined || at + total !== bytes.length) return undefined;
  const r = readInteger();
  const s = readInteger();
  if (r === undefined || s === undefined || at !== bytes.length) return undefined;
  return Buffer.concat([r, s]);
}
