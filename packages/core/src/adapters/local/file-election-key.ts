import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElectionKey } from '../../ports/election-key';

/** The election key held in memory (ECDSA P-256), for tests and a runtime without a data dir. */
export class MemoryElectionKey implements ElectionKey {
  constructor(
    private readonly privateKey: KeyObject = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  ) {}

  async publicKeyPem(): Promise<string> {
    return createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' }).toString();
  }

  async sign(bytes: Uint8Array): Promise<Uint8Array> {
    return sign('sha256', bytes, { key: this.privateKey, dsaEncoding: 'der' });
  }
}

/** The election key file, created on first use: `<keyDir>/election-p256.pem` (mode 0600). */
export function loadFileElectionKey(keyDir: string): MemoryElectionKey {
  const file = join(keyDir, 'election-p256.pem');
  if (!existsSync(file)) {
    mkdirSync(keyDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return new MemoryElectionKey(createPrivateKey(readFileSync(file)));
}
