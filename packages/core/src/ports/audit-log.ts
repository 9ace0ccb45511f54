/** One entry of the hash-chained audit log, as stored. */
export interface AuditEntry {
  /** Position in the chain, from 1. */
  readonly seq: number;
  /** The hash of the entry before (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 over the canonical JSON of every other field. */
  readonly hash: string;
  /** Who did it: the JWT subject and role, or `system:<name>` for the platform itself. */
  readonly actor: string;
  /** Epoch milliseconds. */
  readonly at: number;
  /** What was done, e.g. `booth.updated`, `machine.blocked`, `alert.acknowledged`. */
  readonly action: string;
  /** What it was done to, e.g. `booth/b-17`. */
  readonly subject: string;
  /** A small JSON object of what changed, never a secret. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The newest entry's position and hash: what the next entry must chain from. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** Where the audit chain is kept; appends are conditional on the head so they serialise. */
export interface AuditLog {
  /** The head the store records, or undefined for an empty chain. */
  head(): Promise<AuditHead | undefined>;
  /**
   * Writes `entry` as the next link after `after` (undefined: the first); false when another
   * writer took that position first, and nothing was written.
   */
  append(entry: AuditEntry, after: AuditHead | undefined): Promise<boolean>;
  /** Entries in chain order from position `fromSeq`, at most `limit` of them. */
  read(fromSeq: number, limit: number): Promise<readonly AuditEntry[]>;
}
