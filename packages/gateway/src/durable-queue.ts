import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { type FileHandle, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ControlMessage, type VoteMessage, voteMessageSchema } from '@ballotstream/events';
import { z } from 'zod';

/**
 * One record of the queue log. `vote`: a vote cast and not yet delivered. `ack`: its delivery.
 * `delivered`: what the result record needs of an election's delivered votes, in a form that
 * keeps no order (sorted vote ids, counts per candidate, first and last bucket). `tokens`: the
 * digests of the ballot tokens those votes used, sorted, so a token is never taken twice.
 */
const deliveredSchema = z.object({
  t: z.literal('delivered'),
  electionId: z.string(),
  voteIds: z.array(z.string()),
  counts: z.record(z.string(), z.number().int().nonnegative()),
  firstBucket: z.number().nullable(),
  lastBucket: z.number().nullable(),
});
const logRecordSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('vote'), m: voteMessageSchema }),
  z.object({ t: z.literal('ack'), id: z.string() }),
  deliveredSchema,
  z.object({ t: z.literal('tokens'), digests: z.array(z.string()) }),
]);
type LogRecord = z.infer<typeof logRecordSchema>;

/** What a machine's result record is built from: its votes of one election, with no order kept. */
export interface CastSummary {
  readonly voteIds: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly firstBucket: number | null;
  readonly lastBucket: number | null;
}

interface Delivered {
  readonly voteIds: Set<string>;
  readonly counts: Map<string, number>;
  firstBucket: number | null;
  lastBucket: number | null;
}

interface Waiter {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Takes back what memory learnt from the record if it never reached the disk. */
  readonly undo: () => void;
  /** Whether the record must be fsynced before it resolves (a vote); a delivery mark need not be. */
  readonly durable: boolean;
}

const LOG = 'queue.log';
const AAD = Buffer.from('ballotstream/queue/v1');
// Every record is padded to a multiple of this before it is sealed, so a record's length says
// nothing of the candidate id's length.
const PAD_TO = 512;
// A delivered vote's candidate stays in the log only until the next compaction: once the queue is
// idle, or after this many deliveries, whichever comes first.
const COMPACT_AFTER_ACKS = 256;

/** The key the queue log is sealed with, derived from the machine's private key: it never leaves the machine. */
export function queueKeyOf(privateKey: KeyObject): Buffer {
  const secret = privateKey.export({ format: 'der', type: 'pkcs8' });
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'ballotstream/queue/v1', 32));
}

const tokenDigest = (ballotToken: string) => createHash('sha256').update(ballotToken).digest('hex');

/**
 * The gateway's durable queue: an append-only log in which a vote is written and fsynced before
 * the voter is told it was cast, and a delivery mark is appended once the cloud acknowledged it.
 * Appends that arrive together share one fsync (group commit). Each record is sealed with
 * AES-256-GCM under the machine's queue key. Once delivered, a vote is compacted out of the log:
 * only sorted vote ids, counts per candidate and sorted token digests remain, so the log never
 * keeps delivered votes in the order voters came in (docs/as-built.md, "Ballot secrecy on disk").
 */
export class DurableQueue {
  private readonly unacked = new Map<string, VoteMessage>();
  private readonly delivered = new Map<string, Delivered>();
  private readonly usedTokens = new Set<string>();
  private waiting: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private compactWanted = false;
  private acksSinceCompaction = 0;

  private constructor(
    private readonly dir: string,
    private readonly key: Buffer,
    private file: FileHandle,
  ) {}

  /**
   * Opens the queue in a directory with the machine's queue key, replaying its log: every vote
   * not yet delivered is pending again. Plain-text lines an older gateway wrote are read too, and
   * the first compaction seals them.
   */
  static async open(dir: string, key: Buffer): Promise<DurableQueue> {
    if (key.length !== 32) throw new RangeError('the queue key must be 32 bytes');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, LOG);
    let bytes = Buffer.alloc(0);
    try {
      bytes = readFileSync(path);
    } catch {
      // No log yet: a new machine.
    }
    // A crash can leave the last line half written; cut it off, or the next append would join it.
    const whole = bytes.lastIndexOf(0x0a) + 1;
    if (whole < bytes.length) truncateSync(path, whole);
    const text = bytes.subarray(0, whole).toString('utf8');
    const file = await openFile(path, 'a', 0o600);
    const queue = new DurableQueue(dir, key, file);
    let plain = false;
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      plain ||= raw.startsWith('{');
      const record = parse(key, raw);
      // A whole record that does not open was sealed under another key (or damaged): going on
      // would drop votes that voters were told are kept.
      if (record === 'unopened') {
        await file.close();
        throw new Error(`${path} holds a record this machine's queue key cannot open`);
      }
      if (record !== undefined) queue.apply(record);
    }
    if (plain || queue.acksSinceCompaction > 0) await queue.compact();
    return queue;
  }

  /**
   * Every record of a queue log as anyone holding the machine's key reads it, in file order,
   * without opening the queue (which would compact it): what the secrecy audit looks at.
   */
  static auditRecords(dir: string, key: Buffer): unknown[] {
    return readFileSync(join(dir, LOG), 'utf8')
      .split('\n')
      .filter((raw) => raw.trim() !== '')
      .map((raw) => parse(key, raw));
  }

  /** Appends a vote and resolves once it is on disk. */
  append(message: VoteMessage): Promise<void> {
    // Memory learns of the vote first, so a compaction never writes a log without a vote that is
    // on disk; if the write fails, memory forgets it again and the voter is told it failed.
    const token = tokenDigest(message.ballotToken);
    this.unacked.set(message.voteId, message);
    this.usedTokens.add(token);
    return this.write(
      { t: 'vote', m: message },
      () => {
        this.unacked.delete(message.voteId);
        this.usedTokens.delete(token);
      },
      true,
    );
  }

  /**
   * Marks a vote delivered; losing this mark in a crash only means the vote is sent again. The
   * vote then leaves memory and, at the next compaction, the log.
   */
  async acknowledge(voteId: string): Promise<void> {
    const message = this.unacked.get(voteId);
    if (message === undefined) return;
    this.deliver(message);
    this.acksSinceCompaction++;
    if (this.unacked.size === 0 || this.acksSinceCompaction >= COMPACT_AFTER_ACKS) this.compactWanted = true;
    // A mark that fails to be written, or is lost in a crash, is harmless: the vote is sent again
    // after a restart and the cloud counts it once. So it is written but not fsynced on its own:
    // the next vote's fsync, or the next compaction, takes it to the disk.
    await this.write({ t: 'ack', id: voteId }, () => undefined, false);
  }

  /** Votes cast but not yet acknowledged by the cloud, oldest first. */
  pending(): VoteMessage[] {
    return [...this.unacked.values()];
  }

  pendingCount(): number {
    return this.unacked.size;
  }

  /** Every vote this machine cast in an election, delivered or not, as the result record needs it. */
  castSummary(electionId: string): CastSummary {
    const done = this.delivered.get(electionId);
    const voteIds = new Set(done?.voteIds);
    const counts = new Map(done?.counts);
    let firstBucket = done?.firstBucket ?? null;
    let lastBucket = done?.lastBucket ?? null;
    for (const v of this.unacked.values()) {
      if (v.electionId !== electionId) continue;
      voteIds.add(v.voteId);
      counts.set(v.candidateId, (counts.get(v.candidateId) ?? 0) + 1);
      firstBucket = firstBucket === null ? v.bucketStart : Math.min(firstBucket, v.bucketStart);
      lastBucket = lastBucket === null ? v.bucketStart : Math.max(lastBucket, v.bucketStart);
    }
    return {
      voteIds: [...voteIds].sort(),
      counts: Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      firstBucket,
      lastBucket,
    };
  }

  /** Whether this machine already cast a vote with a ballot token. */
  hasUsedToken(ballotToken: string): boolean {
    return this.usedTokens.has(tokenDigest(ballotToken));
  }

  /** Reads the block state kept beside the log, so a restarted gateway stays blocked while offline. */
  readControl(): ControlMessage | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'control.json'), 'utf8')) as ControlMessage;
    } catch {
      return undefined;
    }
  }

  /** Keeps the block state durably (write, fsync, rename), before the gateway acts on it. */
  writeControl(control: ControlMessage): void {
    const path = join(this.dir, 'control.json');
    writeFileSync(`${path}.tmp`, JSON.stringify(control), { mode: 0o600 });
    const fd = openSync(`${path}.tmp`, 'r');
    fdatasyncSync(fd);
    closeSync(fd);
    renameSync(`${path}.tmp`, path);
  }

  /** Compacts what was delivered out of the log, then closes it. */
  async close(): Promise<void> {
    if (this.acksSinceCompaction > 0) {
      this.compactWanted = true;
      this.flush();
    }
    while (this.flushing) await this.flushing;
    await this.file.close();
  }

  private deliver(message: VoteMessage): void {
    this.unacked.delete(message.voteId);
    let done = this.delivered.get(message.electionId);
    if (done === undefined) {
      done = { voteIds: new Set(), counts: new Map(), firstBucket: null, lastBucket: null };
      this.delivered.set(message.electionId, done);
    }
    done.voteIds.add(message.voteId);
    done.counts.set(message.candidateId, (done.counts.get(message.candidateId) ?? 0) + 1);
    done.firstBucket =
      done.firstBucket === null ? message.bucketStart : Math.min(done.firstBucket, message.bucketStart);
    done.lastBucket =
      done.lastBucket === null ? message.bucketStart : Math.max(done.lastBucket, message.bucketStart);
  }

  private apply(record: LogRecord): void {
    switch (record.t) {
      case 'vote':
        this.unacked.set(record.m.voteId, record.m);
        this.usedTokens.add(tokenDigest(record.m.ballotToken));
        return;
      case 'ack': {
        const message = this.unacked.get(record.id);
        if (message === undefined) return;
        this.deliver(message);
        this.acksSinceCompaction++;
        return;
      }
      case 'delivered': {
        const done: Delivered = this.delivered.get(record.electionId) ?? {
          voteIds: new Set(),
          counts: new Map(),
          firstBucket: null,
          lastBucket: null,
        };
        for (const id of record.voteIds) done.voteIds.add(id);
        for (const [candidate, n] of Object.entries(record.counts))
          done.counts.set(candidate, (done.counts.get(candidate) ?? 0) + n);
        for (const b of [record.firstBucket, record.lastBucket]) {
          if (b === null) continue;
          done.firstBucket = done.firstBucket === null ? b : Math.min(done.firstBucket, b);
          done.lastBucket = done.lastBucket === null ? b : Math.max(done.lastBucket, b);
        }
        this.delivered.set(record.electionId, done);
        return;
      }
      case 'tokens':
        for (const d of record.digests) this.usedTokens.add(d);
        return;
      default: {
        const unknown: never = record;
        throw new Error(`unknown queue record ${JSON.stringify(unknown)}`);
      }
    }
  }

  private write(record: LogRecord, undo: () => void, durable: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ line: seal(this.key, record), resolve, reject, undo, durable });
      this.flush();
    });
  }

  /**
   * Rewrites the log as what memory holds: the delivered summary and the tokens (sorted), then
   * the undelivered votes; written beside the log, fsynced, and renamed over it.
   */
  private async compact(): Promise<void> {
    const records: LogRecord[] = [];
    for (const [electionId, done] of [...this.delivered].sort(([a], [b]) => (a < b ? -1 : 1))) {
      records.push({
        t: 'delivered',
        electionId,
        voteIds: [...done.voteIds].sort(),
        counts: Object.fromEntries([...done.counts].sort(([a], [b]) => (a < b ? -1 : 1))),
        firstBucket: done.firstBucket,
        lastBucket: done.lastBucket,
      });
    }
    records.push({ t: 'tokens', digests: [...this.usedTokens].sort() });
    for (const m of this.unacked.values()) records.push({ t: 'vote', m });
    const path = join(this.dir, LOG);
    const next = await openFile(`${path}.tmp`, 'w', 0o600);
    try {
      await next.write(records.map((r) => seal(this.key, r)).join(''));
      await next.datasync();
    } finally {
      await next.close();
    }
    renameSync(`${path}.tmp`, path);
    const dir = openSync(this.dir, 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    const old = this.file;
    this.file = await openFile(path, 'a', 0o600);
    await old.close();
    this.acksSinceCompaction = 0;
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.waiting.length > 0 || this.compactWanted) {
        if (this.waiting.length === 0) {
          this.compactWanted = false;
          // A failed compaction leaves the old log, which is still whole; the next one retries.
          await this.compact().catch(() => undefined);
          continue;
        }
        const batch = this.waiting;
        this.waiting = [];
        try {
          await this.file.write(batch.map((w) => w.line).join(''));
          if (batch.some((w) => w.durable)) await this.file.datasync();
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) {
            w.undo();
            w.reject(error);
          }
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.waiting.length > 0) this.flush();
    });
  }
}

// Random IVs are drawn from the CSPRNG this many at a time: one call per record cost more than the seal.
const IVS_AT_ONCE = 1024;
let ivs = Buffer.alloc(0);
let nextIv = 0;

/** A fresh random 96-bit IV, never handed out twice. */
function randomIv(): Buffer {
  if (nextIv + 12 > ivs.length) {
    ivs = randomBytes(12 * IVS_AT_ONCE);
    nextIv = 0;
  }
  nextIv += 12;
  return ivs.subarray(nextIv - 12, nextIv);
}

/** Seals a record: random 96-bit IV, AES-256-GCM, the record padded to a multiple of PAD_TO. */
function seal(key: Buffer, record: LogRecord): string {
  const json = JSON.stringify(record);
  const padded = json.padEnd(Math.ceil((json.length + 1) / PAD_TO) * PAD_TO, ' ');
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(padded, 'utf8'), cipher.final()]);
  return `${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}\n`;
}

/** Opens a record of the log: plain JSON (an older gateway's) or sealed; 'unopened' if the key does not open it. */
function parse(key: Buffer, raw: string): LogRecord | 'unopened' | undefined {
  let json: string;
  if (raw.startsWith('{')) {
    json = raw;
  } else {
    try {
      const bytes = Buffer.from(raw, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(AAD);
      decipher.setAuthTag(bytes.subarray(12, 28));
      json = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return 'unopened';
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = logRecordSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
