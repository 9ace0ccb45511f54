import { createPublicKey, type KeyObject, verify } from 'node:crypto';

const keys = new Map<string, KeyObject>();

/** Turns a raw base64url Ed25519 public key into a key object, imported once per process. */
export function ed25519PublicKey(raw: string): KeyObject {
  let key = keys.get(raw);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
    keys.set(raw, key);
  }
  return key;
}

/** Verifies an Ed25519 signature; false (never a throw) for a malformed key or signature. */
export function verifyEd25519(publicKeyRaw: string, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, message, ed25519PublicKey(publicKeyRaw), signature);
  } catch {
    return false;
  }
}

/** Exports a key object's public half as raw base64url, the registry's form. */
export function rawPublicKey(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return jwk.x;
}
