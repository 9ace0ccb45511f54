import { createHash } from 'node:crypto';

/**
 * A fingerprint of a window's counts for stores that cannot compute one in place: the XOR of a
 * 64-bit hash of each (constituency, candidate, votes), so row order does not matter. Equal
 * counts give equal fingerprints; the regions are compared with it.
 */
export function fingerprintOf(
  rows: readonly { readonly constituencyId: string; readonly candidateId: string; readonly votes: number }[],
): string {
  let acc = 0n;
  for (const r of rows) {
    const digest = createHash('sha256')
      .update(`${r.constituencyId}\u001f${r.candidateId}\u001f${r.votes}`)
      .digest();
    acc ^= digest.readBigUInt64BE(0);
  }
  return acc.toString();
}
