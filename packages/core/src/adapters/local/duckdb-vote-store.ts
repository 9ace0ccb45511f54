import type { AcceptedVote } from '@ballotstream/events';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from '@duckdb/node-api';
import type {
  RecordOutcome,
  TallyRow,
  VoteQuery,
  VoteStore,
  WindowCount,
  WindowTurnout,
} from '../../ports/vote-store';
import { shuffled } from '../shared/shuffle';

// Larger batches are split into statements of at most this many rows.
const ROWS_PER_STATEMENT = 500;

// A batch is bound as one string per column, its values joined by the unit separator (chr 31,
// which no id may hold), split and unnested into rows side by side, in order. Seven strings cost
// far less to bind than seven lists of values, and the statement is prepared once per store.
const SEPARATOR = String.fromCharCode(31);
const INSERT_BATCH = `INSERT OR IGNORE INTO votes SELECT * FROM (SELECT
  unnest(string_split($1, chr(31))), unnest(string_split($2, chr(31))), unnest(string_split($3, chr(31))),
  unnest(string_split($4, chr(31))), unnest(string_split($5, chr(31))), unnest(string_split($6, chr(31))),
  unnest(string_split($7, chr(31)))::BIGINT) RETURNING vote_id`;

/** One column of a batch as the insert binds it; refuses a value that holds the separator. */
function joined(values: readonly string[]): string {
  for (const value of values) {
    if (value.includes(SEPARATOR) || value === '')
      throw new RangeError(`not a storable id: ${JSON.stringify(value)}`);
  }
  return values.join(SEPARATOR);
}

/** What one embedded store may take of the machine: its buffer memory and its threads. */
export interface DuckDbLimits {
  /** The buffer manager's limit (DuckDB's `memory_limit`) in MiB; DuckDB's own default is 80% of RAM. */
  readonly memoryLimitMb: number;
  /** Threads DuckDB runs queries on; DuckDB's own default is one per core. */
  readonly threads: number;
}

/**
 * The limits a store opens with unless told otherwise. The runtime holds two stores beside its own
 * heaps; a vote is a few dozen bytes, and a file-backed store spills to disk past its limit.
 */
export const defaultDuckDbLimits: DuckDbLimits = { memoryLimitMb: 512, threads: 2 };

const BYTES_PER_UNIT: Readonly<Record<string, number>> = {
  bytes: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** Reads a size as DuckDB prints it ('512.0 MiB') back into bytes. */
function bytesOf(printed: string): number {
  const m = /^([\d.]+)\s*(bytes|KiB|MiB|GiB|TiB)$/.exec(printed.trim());
  if (m === null) throw new RangeError(`not a DuckDB size: ${printed}`);
  return Math.round(Number(m[1]) * BYTES_PER_UNIT[m[2]!]!);
}

interface PendingWrite {
  readonly votes: readonly AcceptedVote[];
  readonly resolve: (outcome: RecordOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One region's vote store in an embedded DuckDB file. The vote id is the primary key and
 * inserts ignore conflicts, so a replay stores nothing twice. Writes that arrive together are
 * inserted as one shuffled batch (group commit), and `concealOrder` rewrites recent buckets in
 * vote-id order, so the file's row order never follows the order voters came in. A stored vote
 * holds no voter, ticket, token or receipt, and its time only as the bucket start.
 */
export class DuckDbVoteStore implements VoteStore {
  private queue: Promise<unknown> = Promise.resolve();
  private pending: PendingWrite[] = [];
  private flushing = false;
  private readonly touchedBuckets = new Set<number>();
  // Buckets this process marked unconcealed in the file since the last concealment run.
  private readonly markedBuckets = new Set<number>();
  private unconcealedReady = false;
  private insert: DuckDBPreparedStatement | undefined;
  private readonly keptTables = new Set<string>();

  private constructor(
    readonly region: 'primary' | 'secondary',
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (or creates) the store at a file path, or in memory with ':memory:', within its limits. */
  static async open(
    region: 'primary' | 'secondary',
    path: string,
    limits: Partial<DuckDbLimits> = {},
  ): Promise<DuckDbVoteStore> {
    const { memoryLimitMb, threads } = { ...defaultDuckDbLimits, ...limits };
    if (!(Number.isInteger(memoryLimitMb) && memoryLimitMb > 0 && Number.isInteger(threads) && threads > 0))
      throw new RangeError(
        `DuckDB limits must be positive whole numbers: ${memoryLimitMb} MiB, ${threads} threads`,
      );
    // Given at creation, so nothing ever runs under DuckDB's own defaults (80% of RAM, a thread per core).
    const instance = await DuckDBInstance.create(path, {
      memory_limit: `${memoryLimitMb}MiB`,
      threads: String(threads),
    });
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE IF NOT EXISTS votes (
      vote_id VARCHAR PRIMARY KEY,
      election_id VARCHAR NOT NULL,
      constituency_id VARCHAR NOT NULL,
      booth_id VARCHAR NOT NULL,
      machine_id VARCHAR NOT NULL,
      candidate_id VARCHAR NOT NULL,
      bucket_start BIGINT NOT NULL
    )`);
    return new DuckDbVoteStore(region, instance, connection);
  }

  record(votes: readonly AcceptedVote[]): Promise<RecordOutcome> {
    if (votes.length === 0) return Promise.resolve({ written: 0, duplicates: 0 });
    return new Promise<RecordOutcome>((resolve, reject) => {
      this.pending.push({ votes, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the writes of this turn of the event loop gather into one batch.
        setImmediate(() => void this.serialised(() => this.flush()));
      }
    });
  }

  tally(electionId: string, fromMs: number, toMs: number): Promise<readonly TallyRow[]> {
    return this.serialised(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT constituency_id, candidate_id, count(*)::BIGINT AS votes FROM votes
         WHERE election_id = ? AND bucket_start >= ? AND bucket_start < ?
         GROUP BY constituency_id, candidate_id ORDER BY constituency_id, candidate_id`,
        [electionId, BigInt(fromMs), BigInt(toMs)],
      );
      return reader.getRows().map(([constituencyId, candidateId, votes]) => ({
        constituencyId: String(constituencyId),
        candidateId: String(candidateId),
        votes: Number(votes),
      }));
    });
  }

  materialise(
    electionId: string,
    windowStarts: readonly number[],
    windowMs: number,
  ): Promise<readonly WindowCount[]> {
    if (windowStarts.length === 0) return Promise.resolve([]);
    return this.serialised(async () => {
      const windows = windowStarts.map((w) => BigInt(w));
      const list = windows.map(() => '?').join(',');
      const width = BigInt(windowMs);
      if (width <= 0n || windows.some((w) => w % width !== 0n)) {
        throw new RangeError(`windows must start at multiples of a positive length ${windowMs}`);
      }
      const first = BigInt(Math.min(...windowStarts));
      const last = BigInt(Math.max(...windowStarts));
      const kept = await this.keptTable(electionId);
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run(
          `DELETE FROM ${kept} WHERE window_start BETWEEN ? AND ? AND window_start IN (${list})`,
          [first, last, ...windows],
        );
        await this.countWindows(kept, electionId, windowStarts, windowMs);
        // Which windows were ever counted is kept in the file, so a restart can count them again.
        await this.connection.run(
          `INSERT INTO materialised_windows SELECT ?, w, ? FROM unnest([${list}]::BIGINT[]) t(w)
           WHERE w NOT IN (SELECT window_start FROM materialised_windows WHERE election_id = ?)`,
          [electionId, width, ...windows, electionId],
        );
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
      // One string per row: DuckDB combines the hashes of several arguments linearly, so their
      // XOR over rows could cancel (x:2 y:1 and x:1 y:2 would agree).
      const reader = await this.connection.runAndReadAll(
        `SELECT window_start, sum(votes)::BIGINT,
           bit_xor(hash(constituency_id || chr(31) || candidate_id || chr(31) || votes::VARCHAR))
         FROM ${kept}
         WHERE window_start BETWEEN ? AND ? AND window_start IN (${list})
         GROUP BY window_start`,
        [first, last, ...windows],
      );
      const found = new Map(
        reader
          .getRows()
          .map(([w, votes, fingerprint]) => [
            Number(w),
            { votes: Number(votes), fingerprint: String(fingerprint) },
          ]),
      );
      return windowStarts.map((windowStart) => ({
        windowStart,
        ...(found.get(windowStart) ?? { votes: 0, fingerprint: '0' }),
      }));
    });
  }

  keptTotals(electionId: string): Promise<readonly TallyRow[]> {
    return this.serialised(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT constituency_id, candidate_id, sum(votes)::BIGINT FROM ${await this.keptTable(electionId)}
         GROUP BY constituency_id, candidate_id ORDER BY constituency_id, candidate_id`,
      );
      return reader.getRows().map(([constituencyId, candidateId, votes]) => ({
        constituencyId: String(constituencyId),
        candidateId: String(candidateId),
        votes: Number(votes),
      }));
    });
  }

  keptTurnout(electionId: string, windowStarts: readonly number[]): Promise<readonly WindowTurnout[]> {
    if (windowStarts.length === 0) return Promise.resolve([]);
    return this.serialised(async () => {
      const windows = windowStarts.map((w) => BigInt(w));
      const reader = await this.connection.runAndReadAll(
        `SELECT window_start, constituency_id, sum(votes)::BIGINT FROM ${await this.keptTable(electionId)}
         WHERE window_start BETWEEN ? AND ? AND window_start IN (${windows.map(() => '?').join(',')})
         GROUP BY window_start, constituency_id ORDER BY window_start, constituency_id`,
        [BigInt(Math.min(...windowStarts)), BigInt(Math.max(...windowStarts)), ...windows],
      );
      return reader.getRows().map(([windowStart, constituencyId, votes]) => ({
        windowStart: Number(windowStart),
        constituencyId: String(constituencyId),
        votes: Number(votes),
      }));
    });
  }

  votesOf(electionId: string, query: VoteQuery): Promise<readonly AcceptedVote[]> {
    return this.serialised(async () => {
      const where = ['election_id = ?'];
      const values: DuckDBValue[] = [electionId];
      if (query.fromMs !== undefined) {
        where.push('bucket_start >= ?');
        values.push(BigInt(query.fromMs));
      }
      if (query.toMs !== undefined) {
        where.push('bucket_start < ?');
        values.push(BigInt(query.toMs));
      }
      if (query.machineId !== undefined) {
        where.push('machine_id = ?');
        values.push(query.machineId);
      }
      const reader = await this.connection.runAndReadAll(
        `SELECT vote_id, election_id, constituency_id, booth_id, machine_id, candidate_id, bucket_start
         FROM votes WHERE ${where.join(' AND ')} ORDER BY vote_id`,
        values,
      );
      return reader.getRows().map((row) => ({
        voteId: String(row[0]),
        electionId: String(row[1]),
        constituencyId: String(row[2]),
        boothId: String(row[3]),
        machineId: String(row[4]),
        candidateId: String(row[5]),
        bucketStart: Number(row[6]),
      }));
    });
  }

  concealOrder(): Promise<number> {
    return this.serialised(() => this.conceal());
  }

  /**
   * Every stored row with its column names, in the order the file holds them: what anyone with
   * the store in hand could read (the secrecy audit looks at exactly this).
   */
  auditRows(): Promise<{ columns: string[]; rows: unknown[][] }> {
    return this.serialised(async () => {
      const reader = await this.connection.runAndReadAll('SELECT * FROM votes');
      return { columns: reader.columnNames(), rows: reader.getRows() as unknown[][] };
    });
  }

  /** The memory limit and thread count the store runs with, as DuckDB reports them. */
  limits(): Promise<{ memoryLimitBytes: number; threads: number }> {
    return this.serialised(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT current_setting('memory_limit')::VARCHAR, current_setting('threads')::BIGINT`,
      );
      const [memoryLimit, threads] = reader.getRows()[0]!;
      return { memoryLimitBytes: bytesOf(String(memoryLimit)), threads: Number(threads) };
    });
  }

  async close(): Promise<void> {
    while (this.flushing || this.pending.length > 0) await this.serialised(async () => undefined);
    await this.queue.catch(() => undefined);
    // A stopped store keeps no arrival order: what the schedule has not concealed yet is concealed
    // now (if this fails, the marks make the next start's first run do it).
    await this.serialised(() => this.conceal()).catch(() => undefined);
    this.insert?.destroySync();
    this.insert = undefined;
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /**
   * Counts the windows (all of them at once: one pass over the votes) into the kept table. The
   * width is written into the SQL (a whole number of ms): bound as a parameter, the modulus is
   * not folded and the same count took three times as long. Windows that follow each other (the
   * usual case: the latest ones, or a whole day) need only the bucket range, which lets DuckDB
   * skip row groups outside it. The election is one value, so it is not a grouping key.
   */
  private async countWindows(
    kept: string,
    electionId: string,
    windowStarts: readonly number[],
    windowMs: number,
  ): Promise<void> {
    if (windowStarts.length === 0) return;
    const windows = windowStarts.map((w) => BigInt(w));
    const width = BigInt(windowMs);
    const first = BigInt(Math.min(...windowStarts));
    const last = BigInt(Math.max(...windowStarts));
    const windowOf = `bucket_start - bucket_start % ${width}`;
    const contiguous = new Set(windows).size === Number((last - first) / width) + 1;
    await this.connection.run(
      `INSERT INTO ${kept}
       SELECT ${windowOf}, constituency_id, candidate_id, count(*)::INTEGER
       FROM votes
       WHERE election_id = ? AND bucket_start >= ? AND bucket_start < ?
         ${contiguous ? '' : `AND ${windowOf} IN (${windows.map(() => '?').join(',')})`}
       GROUP BY ${windowOf}, constituency_id, candidate_id`,
      [electionId, first, last + width, ...(contiguous ? [] : windows)],
    );
  }

  /**
   * The table of an election's materialised counts, made on first use: one per election, so its
   * rows carry no election id (a third of their width) and no query filters on one. It is a
   * temporary table, in memory: the counts are derived from the votes, and writing them into the
   * file (its write-ahead log, then a checkpoint) took twice as long as counting them. The file
   * keeps only which windows were counted (`materialised_windows`); the first use after opening
   * counts those again, in one pass, so the running tally reads as before a restart (a window
   * that took votes since is marked in the records and recounted by the next run anyway).
   */
  private async keptTable(electionId: string): Promise<string> {
    const table = `"kept:${electionId.replaceAll('"', '""')}"`;
    if (this.keptTables.has(table)) return table;
    await this.connection.run(
      `CREATE TABLE IF NOT EXISTS materialised_windows (
        election_id VARCHAR NOT NULL, window_start BIGINT NOT NULL, window_ms BIGINT NOT NULL)`,
    );
    await this.connection.run(`CREATE TEMP TABLE IF NOT EXISTS ${table} (
      window_start BIGINT NOT NULL,
      constituency_id VARCHAR NOT NULL,
      candidate_id VARCHAR NOT NULL,
      votes INTEGER NOT NULL
    )`);
    const counted = await this.connection.runAndReadAll(
      'SELECT window_ms, list(window_start ORDER BY window_start) FROM materialised_windows WHERE election_id = ? GROUP BY window_ms',
      [electionId],
    );
    for (const [width, starts] of counted.getRows()) {
      const windows = (starts as { items: unknown[] }).items.map(Number);
      await this.countWindows(table, electionId, windows, Number(width));
    }
    this.keptTables.add(table);
    return table;
  }

  /**
   * Rewrites the buckets written since the last run in vote-id order, then checkpoints: the
   * write-ahead log holds every insert in arrival order until a checkpoint folds it into the
   * file, so the rewrite alone would leave the order there. The buckets to rewrite are this
   * process's and those a previous one marked and never concealed (it stopped or crashed first).
   */
  private async conceal(): Promise<number> {
    const marked = await this.connection.runAndReadAll(
      `SELECT DISTINCT bucket_start FROM ${await this.unconcealedTable()}`,
    );
    for (const [b] of marked.getRows()) this.touchedBuckets.add(Number(b));
    const buckets = [...this.touchedBuckets];
    this.touchedBuckets.clear();
    if (buckets.length === 0) return 0;
    const list = buckets.map((b) => BigInt(b));
    const placeholders = list.map(() => '?').join(',');
    let moved = 0;
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.connection.run(
        `CREATE OR REPLACE TEMP TABLE concealing AS
         SELECT * FROM votes WHERE bucket_start IN (${placeholders}) ORDER BY vote_id`,
        list,
      );
      await this.connection.run(`DELETE FROM votes WHERE bucket_start IN (${placeholders})`, list);
      const reader = await this.connection.runAndReadAll(
        'INSERT INTO votes SELECT * FROM concealing ORDER BY vote_id RETURNING vote_id',
      );
      await this.connection.run('DROP TABLE concealing');
      await this.connection.run(
        `DELETE FROM ${await this.unconcealedTable()} WHERE bucket_start IN (${placeholders})`,
        list,
      );
      await this.connection.run('COMMIT');
      moved = reader.currentRowCount;
    } catch (error) {
      await this.connection.run('ROLLBACK');
      for (const b of buckets) this.touchedBuckets.add(b);
      throw error;
    }
    this.markedBuckets.clear();
    await this.connection.run('CHECKPOINT');
    return moved;
  }

  /**
   * The buckets written and not yet concealed, kept in the file (a bucket start is no secret) so
   * that a restart after a crash still conceals them. Made on first use.
   */
  private async unconcealedTable(): Promise<string> {
    if (!this.unconcealedReady) {
      await this.connection.run(
        'CREATE TABLE IF NOT EXISTS unconcealed_buckets (bucket_start BIGINT NOT NULL)',
      );
      this.unconcealedReady = true;
    }
    return 'unconcealed_buckets';
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushing = false;
    try {
      // The first caller to present a vote id owns it; any later copy, in any call, is a duplicate.
      const owner = new Map<string, PendingWrite>();
      const unique: AcceptedVote[] = [];
      for (const write of batch) {
        for (const v of write.votes) {
          if (owner.has(v.voteId)) continue;
          owner.set(v.voteId, write);
          unique.push(v);
        }
      }
      const votes = shuffled(unique);
      // Marked before the votes are written, so no crash leaves a bucket unconcealed and unmarked.
      const fresh = [...new Set(votes.map((v) => v.bucketStart))].filter((b) => !this.markedBuckets.has(b));
      if (fresh.length > 0) {
        await this.connection.run(
          `INSERT INTO ${await this.unconcealedTable()} VALUES ${fresh.map(() => '(?)').join(',')}`,
          fresh.map((b) => BigInt(b)),
        );
        for (const b of fresh) this.markedBuckets.add(b);
      }
      const written = new Set<string>();
      for (let start = 0; start < votes.length; start += ROWS_PER_STATEMENT) {
        const chunk = votes.slice(start, start + ROWS_PER_STATEMENT);
        if (this.insert === undefined) this.insert = await this.connection.prepare(INSERT_BATCH);
        const insert = this.insert;
        const columns = [
          joined(chunk.map((v) => v.voteId)),
          joined(chunk.map((v) => v.electionId)),
          joined(chunk.map((v) => v.constituencyId)),
          joined(chunk.map((v) => v.boothId)),
          joined(chunk.map((v) => v.machineId)),
          joined(chunk.map((v) => v.candidateId)),
          chunk.map((v) => String(v.bucketStart)).join(SEPARATOR),
        ];
        for (const [i, column] of columns.entries()) insert.bindVarchar(i + 1, column);
        const reader = await insert.runAndReadAll();
        for (const [id] of reader.getRows()) written.add(String(id));
        for (const v of chunk) this.touchedBuckets.add(v.bucketStart);
      }
      const writtenBy = new Map<PendingWrite, number>();
      for (const id of written) {
        const who = owner.get(id)!;
        writtenBy.set(who, (writtenBy.get(who) ?? 0) + 1);
      }
      for (const write of batch) {
        const mine = writtenBy.get(write) ?? 0;
        write.resolve({ written: mine, duplicates: write.votes.length - mine });
      }
    } catch (error) {
      for (const write of batch) write.reject(error);
    }
  }

  // One DuckDB connection runs one statement at a time; calls queue behind each other.
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
