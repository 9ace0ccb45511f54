import { randomFillSync } from 'node:crypto';

// Secrets are drawn from the system's CSPRNG a block at a time, as Node's own randomUUID does:
// one call into OpenSSL per block costs about what one call per 18-byte secret did, and the
// verification path needs two secrets per voter. Bytes are handed out once and never reused.
const BLOCK_BYTES = 4096;
const block = Buffer.alloc(BLOCK_BYTES);
let next = BLOCK_BYTES;

/** `bytes` cryptographically random bytes as unpadded base64url (at most one block at a time). */
export function randomBase64url(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > BLOCK_BYTES) {
    throw new RangeError(`randomBase64url takes 1 to ${BLOCK_BYTES} bytes, not ${bytes}`);
  }
  if (next + bytes > BLOCK_BYTES) {
    randomFillSync(block);
    next = 0;
  }
  const text = block.toString('base64url', next, next + bytes);
  // Wipe what was handed out, so the block never holds a secret already in use.
  block.fill(0, next, next + bytes);
  next += bytes;
  return text;
}
