import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TicketKeys, VoterPseudonyms } from '../../ports/ticket-keys';

/** Ed25519 ticket keys held in memory; the newest signs, every known key verifies. */
export class MemoryTicketKeys implements TicketKeys {
  private readonly publicKeys = new Map<string, KeyObject>();
  private privateKey: KeyObject;
  currentKeyId: string;

  constructor(keyId = 'k1', privateKey?: KeyObject) {
    this.privateKey = privateKey ?? generateKeyPairSync('ed25519').privateKey;
    this.currentKeyId = keyId;
    this.publicKeys.set(keyId, createPublicKey(this.privateKey));
  }

  /** Starts signing with a new key while still accepting tickets signed by the old ones. */
  rotate(keyId: string, privateKey: KeyObject = generateKeyPairSync('ed25519').privateKey): void {
    this.privateKey = privateKey;
    this.currentKeyId = keyId;
    this.publicKeys.set(keyId, createPublicKey(privateKey));
  }

  /** Adds a key that verifies but never signs (another issue centre's, or a retired one). */
  trust(keyId: string, publicKey: KeyObject): void {
    this.publicKeys.set(keyId, publicKey);
  }

  async sign(message: Uint8Array): Promise<{ keyId: string; signature: Uint8Array }> {
    return { keyId: this.currentKeyId, signature: sign(null, message, this.privateKey) };
  }

  verify(keyId: string, message: Uint8Array, signature: Uint8Array): boolean {
    const key = this.publicKeys.get(keyId);
    if (key === undefined || signature.length !== 64) return false;
    return verify(null, message, key, signature);
  }
}

/** Loads the ticket keys from `<dir>/ticket-key-<id>.pem`, creating the first one on first run. */
export function loadFileTicketKeys(dir: string): MemoryTicketKeys {
  mkdirSync(dir, { recursive: true });
  const files = readdirSync(dir)
    .filter((f) => /^ticket-key-[A-Za-z0-9]+\.pem$/.test(f))
    .sort();
  if (files.length === 0) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'ticket-key-k1.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    files.push('ticket-key-k1.pem');
  }
  let keys: MemoryTicketKeys | undefined;
  for (const file of files) {
    const keyId = file.slice('ticket-key-'.length, -'.pem'.length);
    const privateKey = createPrivateKey(readFileSync(join(dir, file)));
    if (keys === undefined) keys = new MemoryTicketKeys(keyId, privateKey);
    else keys.rotate(keyId, privateKey);
  }
  return keys!;
}

/** The voter pseudonym: HMAC-SHA256 of the voter id under a secret that never leaves the cloud. */
export class HmacVoterPseudonyms implements VoterPseudonyms {
  constructor(private readonly secret: Uint8Array) {}

  voterKey(voterId: string): string {
    return createHmac('sha256', this.secret).update(voterId).digest('base64url').slice(0, 32);
  }
}

/** Loads the pseudonym secret from `<dir>/voter-key.secret`, creating it on first run. */
export function loadFileVoterPseudonyms(dir: string): HmacVoterPseudonyms {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'voter-key.secret');
  if (!existsSync(path)) writeFileSync(path, randomBytes(32), { mode: 0o600 });
  return new HmacVoterPseudonyms(readFileSync(path));
}
