import {
  closeSync,
  fdatasyncSync,
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

/** One line of the queue log: a vote cast (kept forever, for the result record) or its delivery. */
type LogLine = { readonly t: 'vote'; readonly m: VoteMessage } | { readonly t: 'ack'; readonly id: string };

interface Waiter {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The gateway's durable queue: an append-only log in which a vote is written and fsynced before
 * the voter is told it was cast, and a delivery mark is appended once the cloud acknowledged it.
 * Appends that arrive together share one fsync (group commit).
 */
export class DurableQueue {
  private readonly cast = new Map<string, VoteMessage>();
  private readonly unacked = new Map<string, VoteMessage>();
  private readonly usedTokens = new Set<string>();
  private waiting: Waiter[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private readonly file: FileHandle,
  ) {}

  /** Opens the queue in a directory, replaying its log: every vote not yet delivered is pending again. */
  static async open(dir: string): Promise<DurableQueue> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, 'queue.log');
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
    const queue = new DurableQueue(dir, file);
    for (const raw of text.split('\n')) {
      // A line that does not parse was never acknowledged to anyone.
      const line = parseLine(raw);
      if (line === undefined) continue;
      if (line.t === 'vote') queue.remember(line.m);
      else queue.unacked.delete(line.id);
    }
    return queue;
  }

  /** Appends a vote and resolves once it is on disk. */
  async append(message: VoteMessage): Promise<void> {
    await this.write({ t: 'vote', m: message });
    this.remember(message);
  }

  /** Marks a vote delivered; losing this mark in a crash only means the vote is sent again. */
  async acknowledge(voteId: string): Promise<void> {
    if (!this.unacked.delete(voteId)) return;
    await this.write({ t: 'ack', id: voteId });
  }

  /** Votes cast but not yet acknowledged by the cloud, oldest first. */
  pending(): VoteMessage[] {
    return [...this.unacked.values()];
  }

  pendingCount(): number {
    return this.unacked.size;
  }

  /** Every vote this machine ever cast, delivered or not (the result record is built from these). */
  allVotes(): VoteMessage[] {
    return [...this.cast.values()];
  }

  /** Whether this machine already cast a vote with a ballot token. */
  hasUsedToken(ballotToken: string): boolean {
    return this.usedTokens.has(ballotToken);
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

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.file.close();
  }

  private remember(message: VoteMessage): void {
    this.cast.set(message.voteId, message);
    this.unacked.set(message.voteId, message);
    this.usedTokens.add(message.ballotToken);
  }

  private write(line: LogLine): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ line: `${JSON.stringify(line)}\n`, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          await this.file.write(batch.map((w) => w.line).join(''));
          await this.file.datasync();
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    })().finally(() => {
      this.flushing = undefined;
      if (this.waiting.length > 0) this.flush();
    });
  }
}

function parseLine(raw: string): LogLine | undefined {
  if (raw.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const line = value as { t?: unknown; m?: unknown; id?: unknown };
  if (line.t === 'ack' && typeof line.id === 'string') return { t: 'ack', id: line.id };
  if (line.t === 'vote') {
    const parsed = voteMessageSchema.safeParse(line.m);
    if (parsed.success) return { t: 'vote', m: parsed.data };
  }
  return undefined;
}
