import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyTicketSignature } from '../../domain/crypto/ticket-signature';
import { HmacVoterPseudonyms } from '../../domain/crypto/voter-pseudonyms';
import type { TicketKeys, TicketPublicKey } from '../../ports/ticket-keys';

export { verifyTicketSignature };

/** The signature schemes a ticket key may use; KMS offers both (ECC_NIST_EDWARDS25519, ECC_NIST_P256). */
export type TicketKeyAlgorithm = 'ed25519' | 'ecdsa-p256';

/** Generates a new private ticket key of the given scheme. */
export function generateTicketKey(algorithm: TicketKeyAlgorithm = 'ed25519'): KeyObject {
  return algorithm === 'ed25519'
    ? generateKeyPairSync('ed25519').privateKey
    : generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

function signTicket(key: KeyObject, message: Uint8Array): Uint8Array {
  return key.asymmetricKeyType === 'ed25519'
    ? sign(null, message, key)
    : sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' });
}

/** Ticket keys held in memory (Ed25519 or ECDSA P-256); the newest signs, every known key verifies. */
export class MemoryTicketKeys implements TicketKeys {
  private readonly trusted = new Map<string, KeyObject>();
  private privateKey: KeyObject;
  currentKeyId: string;

  constructor(keyId = 'k1', privateKey?: KeyObject) {
    this.privateKey = privateKey ?? generateTicketKey();
    this.currentKeyId = keyId;
    this.trusted.set(keyId, createPublicKey(this.privateKey));
  }

  /** Starts signing with a new key while still accepting tickets signed by the old ones. */
  rotate(keyId: string, privateKey: KeyObject = generateTicketKey()): void {
    this.privateKey = privateKey;
    this.currentKeyId = keyId;
    this.trusted.set(keyId, createPublicKey(privateKey));
  }

  /** Adds a key that verifies but never signs (another issue centre's, or a retired one). */
  trust(keyId: string, publicKey: KeyObject): void {
    this.trusted.set(keyId, publicKey);
  }

  /** Stops accepting tickets signed by a key (a compromised one); the signing key cannot be withdrawn. */
  withdraw(keyId: string): void {
    if (keyId === this.currentKeyId)
      throw new Error('rotate to a new key before withdrawing the current one');
    this.trusted.delete(keyId);
  }

  publicKeys(): TicketPublicKey[] {
    return [...this.trusted].map(([keyId, key]) => ({
      keyId,
      publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
    }));
  }

  async sign(message: Uint8Array): Promise<{ keyId: string; signature: Uint8Array }> {
    return { keyId: this.currentKeyId, signature: signTicket(this.privateKey, message) };
  }

  verify(keyId: string, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.trusted.get(keyId);
    return key !== undefined && verifyTicketSignature(key, message, signature);
  }
}

const KEY_FILE = /^ticket-key-([A-Za-z0-9]+)\.pem$/;

function keyFiles(dir: string): { keyId: string; file: string }[] {
  return (
    readdirSync(dir)
      .map((file) => ({ file, m: KEY_FILE.exec(file) }))
      .filter((f): f is { file: string; m: RegExpExecArray } => f.m !== null)
      .map(({ file, m }) => ({ keyId: m[1]!, file }))
      // Natural order, so k10 comes after k9: the last file is the key that signs.
      .sort((a, b) => a.keyId.localeCompare(b.keyId, 'en', { numeric: true }))
  );
}

/** Loads the ticket keys from `<dir>/ticket-key-<id>.pem`, creating the first one on first run. */
export function loadFileTicketKeys(dir: string): MemoryTicketKeys {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (keyFiles(dir).length === 0) rotateFileTicketKeys(dir, 'ed25519', 'k1');
  let keys: MemoryTicketKeys | undefined;
  for (const { keyId, file } of keyFiles(dir)) {
    const privateKey = createPrivateKey(readFileSync(join(dir, file)));
    if (keys === undefined) keys = new MemoryTicketKeys(keyId, privateKey);
    else keys.rotate(keyId, privateKey);
  }
  return keys!;
}

/**
 * Writes a new ticket key file that signs from the next start on; older key files stay, so
 * tickets they signed keep verifying. Returns the new key id.
 */
export function rotateFileTicketKeys(
  dir: string,
  algorithm: TicketKeyAlgorithm = 'ed25519',
  keyId?: string,
): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const existing = keyFiles(dir);
  const id = keyId ?? `k${existing.length + 1}`;
  if (existing.some((k) => k.keyId === id)) throw new Error(`ticket key ${id} already exists`);
  const privateKey = generateTicketKey(algorithm);
  writeFileSync(join(dir, `ticket-key-${id}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  return id;
}

/** Loads the pseudonym secret from `<dir>/voter-key.secret`, creating it on first run. */
export function loadFileVoterPseudonyms(dir: string): HmacVoterPseudonyms {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'voter-key.secret');
  if (!existsSync(path)) writeFileSync(path, randomBytes(32), { mode: 0o600 });
  return new HmacVoterPseudonyms(readFileSync(path));
}

export { HmacVoterPseudonyms };
