/**
 * A set of ids kept as two 32-bit hashes and the line each was first seen on: 12 bytes a slot,
 * so a file of a million ids is checked for repeats in ~24 MB instead of keeping the ids.
 * Two ids colliding on both hashes is about one chance in 10^8 for a million ids.
 */
export class CompactIdSet {
  private h1 = new Uint32Array(1024);
  private h2 = new Uint32Array(1024);
  private lines = new Uint32Array(1024);
  private size = 0;

  /** Adds an id first seen on `line` (≥ 1); returns the line it was already seen on, or 0. */
  add(id: string, line: number): number {
    if ((this.size + 1) * 2 > this.lines.length) this.grow();
    const a = hash(id, 0x811c9dc5);
    const b = hash(id, 0x9747b28c);
    const mask = this.lines.length - 1;
    for (let slot = a & mask; ; slot = (slot + 1) & mask) {
      const seen = this.lines[slot]!;
      if (seen === 0) {
        this.h1[slot] = a;
        this.h2[slot] = b;
        this.lines[slot] = line;
        this.size++;
        return 0;
      }
      if (this.h1[slot] === a && this.h2[slot] === b) return seen;
    }
  }

  private grow(): void {
    const { h1, h2, lines } = this;
    const capacity = lines.length * 2;
    this.h1 = new Uint32Array(capacity);
    this.h2 = new Uint32Array(capacity);
    this.lines = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue;
      let slot = h1[i]! & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
      this.h1[slot] = h1[i]!;
      this.h2[slot] = h2[i]!;
      this.lines[slot] = lines[i]!;
    }
  }
}

function hash(text: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}
