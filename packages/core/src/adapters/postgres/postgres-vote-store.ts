import type { AcceptedVote } from '@ballotstream/events';
import type {
  RecordOutcome,
  TallyRow,
  VoteQuery,
  VoteStore,
  WindowCount,
  WindowTurnout,
} from '../../ports/vote-store';

/**
 * What the store needs of a PostgreSQL connection: one parameterised statement at a time
 * (`$1`, `$2`...). A `pg.Pool` fits as is; the RDS Data API fits behind the same shape.
 */
export interface SqlClient {
  query<R extends Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: R[] }>;
  /** Runs statements on one connection inside BEGIN / COMMIT, rolling back if `work` throws. */
  transaction<T>(work: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T>;
}

export interface PostgresVoteStoreOptions {
  readonly region: 'primary' | 'secondary';
  readonly client: SqlClient;
  /** The schema holding this store's tables; created if missing. */
  readonly schema?: string;
  /** Rows per INSERT; the RDS Data API's request size limit wants fewer than a direct connection. */
  readonly rowsPerStatement?: number;
  /** Called by `close()`, e.g. to end the pool the caller opened. */
  readonly onClose?: () => Promise<void>;
}

const COLUMNS = 7;
// Postgres takes at most 65535 bind parameters per statement; far fewer keep statements small.
const DEFAULT_ROWS_PER_STATEMENT = 500;

/**
 * One region's vote store in PostgreSQL (Aurora PostgreSQL / RDS in AWS): the option for
 * accounts without Timestream LiveAnalytics. The vote id is the primary key and every insert is
 * `ON CONFLICT DO NOTHING`, so a replay from any process stores nothing twice. A stored vote
 * holds no voter, ticket, token or receipt, and its time only as the bucket start.
 */
export class PostgresVoteStore implements VoteStore {
  readonly region: 'primary' | 'secondary';
  private readonly client: SqlClient;
  private readonly votes: string;
  private readonly touched: string;
  private readonly tallies: string;

  private constructor(private readonly options: PostgresVoteStoreOptions) {
    this.region = options.region;
    this.client = options.client;
    const schema = quoteIdentifier(options.schema ?? 'public');
    this.votes = `${schema}.votes`;
    this.touched = `${schema}.vote_buckets_touched`;
    this.tallies = `${schema}.tallies`;
  }

  /** Opens the store, creating its schema, tables and indexes when missing. */
  static async open(options: PostgresVoteStoreOptions): Promise<PostgresVoteStore> {
    const store = new PostgresVoteStore(options);
    await store.migrate();
    return store;
  }

  private async migrate(): Promise<void> {
    const schema = quoteIdentifier(this.options.schema ?? 'public');
    // Many cold starts open the store at once; IF NOT EXISTS alone races on the catalogue, so
    // the migration holds a transaction-scoped advisory lock named after the schema.
    await this.client.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ballotstream.votes.${schema}`]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${this.votes} (
        vote_id text PRIMARY KEY,
        election_id text NOT NULL,
        constituency_id text NOT NULL,
        booth_id text NOT NULL,
        machine_id text NOT NULL,
        candidate_id text NOT NULL,
        bucket_start bigint NOT NULL
      )`);
      await tx.query(
        `CREATE INDEX IF NOT EXISTS votes_by_bucket ON ${this.votes} (election_id, bucket_start)`,
      );
      await tx.query(
        `CREATE INDEX IF NOT EXISTS votes_by_machine ON ${this.votes} (election_id, machine_id)`,
      );
      // Buckets written since the last concealment; in the database, so any process can conceal them.
      await tx.query(`CREATE TABLE IF NOT EXISTS ${this.touched} (bucket_start bigint PRIMARY KEY)`);
      await tx.query(`CREATE TABLE IF NOT EXISTS ${this.tallies} (
        election_id text NOT NULL,
        window_start bigint NOT NULL,
        constituency_id text NOT NULL,
        candidate_id text NOT NULL,
        votes bigint NOT NULL,
        PRIMARY KEY (election_id, window_start, constituency_id, candidate_id)
      )`);
    });
  }

  async record(votes: readonly AcceptedVote[]): Promise<RecordOutcome> {
    if (votes.length === 0) return { written: 0, duplicates: 0 };
    let written = 0;
    // Insertion order is the only order a heap keeps: inserting in order of the random vote id
    // hides the order voters came in, and gives concurrent writers of the same votes one lock
    // order, so two replays of a batch wait for each other instead of deadlocking.
    const batch = [...votes].sort((a, b) => (a.voteId < b.voteId ? -1 : a.voteId > b.voteId ? 1 : 0));
    const rows = this.options.rowsPerStatement ?? DEFAULT_ROWS_PER_STATEMENT;
    for (let start = 0; start < batch.length; start += rows) {
      const chunk = batch.slice(start, start + rows);
      // Explicit casts let typed parameters (the Data API sends text) and untyped ones (pg) both bind.
      const placeholders = chunk
        .map((_, row) => {
          const at = (col: number) => `$${row * COLUMNS + col + 1}`;
          return `(${[0, 1, 2, 3, 4, 5].map(at).join(',')},${at(6)}::bigint)`;
        })
        .join(',');
      const values = chunk.flatMap((v) => [
        v.voteId,
        v.electionId,
        v.constituencyId,
        v.boothId,
        v.machineId,
        v.candidateId,
        String(v.bucketStart),
      ]);
      const inserted = await this.client.query<{ vote_id: string }>(
        `INSERT INTO ${this.votes} VALUES ${placeholders} ON CONFLICT (vote_id) DO NOTHING RETURNING vote_id`,
        values,
      );
      written += inserted.rows.length;
      const buckets = [...new Set(chunk.map((v) => v.bucketStart))].sort((a, b) => a - b).map(String);
      // A VALUES list, not an array parameter: the RDS Data API takes no array parameters.
      await this.client.query(
        `INSERT INTO ${this.touched} VALUES ${buckets.map((_, i) => `($${i + 1}::bigint)`).join(',')}
         ON CONFLICT DO NOTHING`,
        buckets,
      );
    }
    return { written, duplicates: votes.length - written };
  }

  async tally(electionId: string, fromMs: number, toMs: number): Promise<readonly TallyRow[]> {
    const result = await this.client.query<{ constituency_id: string; candidate_id: string; votes: string }>(
      `SELECT constituency_id, candidate_id, count(*) AS votes FROM ${this.votes}
       WHERE election_id = $1 AND bucket_start >= $2::bigint AND bucket_start < $3::bigint
       GROUP BY constituency_id, candidate_id ORDER BY constituency_id, candidate_id`,
      [electionId, String(fromMs), String(toMs)],
    );
    return result.rows.map((r) => ({
      constituencyId: r.constituency_id,
      candidateId: r.candidate_id,
      votes: Number(r.votes),
    }));
  }

  async materialise(
    electionId: string,
    windowStarts: readonly number[],
    windowMs: number,
  ): Promise<readonly WindowCount[]> {
    if (windowStarts.length === 0) return [];
    const windows = windowStarts.map(String);
    const listFrom = (first: number) => windows.map((_, i) => `$${i + first}::bigint`).join(',');
    const found = await this.client.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM ${this.tallies} WHERE election_id = $1 AND window_start IN (${listFrom(2)})`,
        [electionId, ...windows],
      );
      await tx.query(
        `INSERT INTO ${this.tallies}
         SELECT election_id, bucket_start - bucket_start % $2::bigint, constituency_id, candidate_id, count(*)
         FROM ${this.votes}
         WHERE election_id = $1 AND bucket_start - bucket_start % $2::bigint IN (${listFrom(3)})
         GROUP BY 1, 2, 3, 4`,
        [electionId, String(windowMs), ...windows],
      );
      return tx.query<{ window_start: string; votes: string; fingerprint: string }>(
        `SELECT window_start, sum(votes) AS votes,
           bit_xor(hashtextextended(constituency_id || chr(31) || candidate_id || chr(31) || votes::text, 0))
             AS fingerprint
         FROM ${this.tallies} WHERE election_id = $1 AND window_start IN (${listFrom(2)})
         GROUP BY window_start`,
        [electionId, ...windows],
      );
    });
    const byWindow = new Map(
      found.rows.map((r) => [
        Number(r.window_start),
        { votes: Number(r.votes), fingerprint: String(r.fingerprint) },
      ]),
    );
    return windowStarts.map((windowStart) => ({
      windowStart,
      ...(byWindow.get(windowStart) ?? { votes: 0, fingerprint: '0' }),
    }));
  }

  async keptTotals(electionId: string): Promise<readonly TallyRow[]> {
    const result = await this.client.query<{ constituency_id: string; candidate_id: string; votes: string }>(
      `SELECT constituency_id, candidate_id, sum(votes) AS votes FROM ${this.tallies}
       WHERE election_id = $1 GROUP BY constituency_id, candidate_id ORDER BY constituency_id, candidate_id`,
      [electionId],
    );
    return result.rows.map((r) => ({
      constituencyId: r.constituency_id,
      candidateId: r.candidate_id,
      votes: Number(r.votes),
    }));
  }

  async keptTurnout(electionId: string, windowStarts: readonly number[]): Promise<readonly WindowTurnout[]> {
    if (windowStarts.length === 0) return [];
    const list = windowStarts.map((_, i) => `$${i + 2}::bigint`).join(',');
    const result = await this.client.query<{ window_start: string; constituency_id: string; votes: string }>(
      `SELECT window_start, constituency_id, sum(votes) AS votes FROM ${this.tallies}
       WHERE election_id = $1 AND window_start IN (${list})
       GROUP BY window_start, constituency_id ORDER BY window_start, constituency_id`,
      [electionId, ...windowStarts.map(String)],
    );
    return result.rows.map((r) => ({
      windowStart: Number(r.window_start),
      constituencyId: r.constituency_id,
      votes: Number(r.votes),
    }));
  }

  async votesOf(electionId: string, query: VoteQuery): Promise<readonly AcceptedVote[]> {
    const where = ['election_id = $1'];
    const values: unknown[] = [electionId];
    const bind = (clause: string, value: unknown) => {
      values.push(value);
      where.push(clause.replace('?', `$${values.length}`));
    };
    if (query.fromMs !== undefined) bind('bucket_start >= ?::bigint', String(query.fromMs));
    if (query.toMs !== undefined) bind('bucket_start < ?::bigint', String(query.toMs));
    if (query.machineId !== undefined) bind('machine_id = ?', query.machineId);
    const result = await this.client.query<{
      vote_id: string;
      election_id: string;
      constituency_id: string;
      booth_id: string;
      machine_id: string;
      candidate_id: string;
      bucket_start: string;
    }>(
      `SELECT vote_id, election_id, constituency_id, booth_id, machine_id, candidate_id, bucket_start
       FROM ${this.votes} WHERE ${where.join(' AND ')} ORDER BY vote_id`,
      values,
    );
    return result.rows.map((r) => ({
      voteId: r.vote_id,
      electionId: r.election_id,
      constituencyId: r.constituency_id,
      boothId: r.booth_id,
      machineId: r.machine_id,
      candidateId: r.candidate_id,
      bucketStart: Number(r.bucket_start),
    }));
  }

  /**
   * Rewrites the touched buckets in vote-id order, so the heap's row order follows the random
   * vote id (dead tuples of the old order are reclaimed by vacuum). Only the rows it deleted are
   * put back, so a vote recorded concurrently is never lost; a concurrent replay of a moved vote
   * waits for this transaction and then finds it present.
   */
  async concealOrder(): Promise<number> {
    return this.client.transaction(async (tx) => {
      await tx.query(
        'CREATE TEMP TABLE concealing (LIKE votes_shape) ON COMMIT DROP'.replace('votes_shape', this.votes),
      );
      await tx.query(
        `WITH buckets AS (DELETE FROM ${this.touched} RETURNING bucket_start),
              moved AS (DELETE FROM ${this.votes} WHERE bucket_start IN (SELECT bucket_start FROM buckets) RETURNING *)
         INSERT INTO concealing SELECT * FROM moved`,
      );
      const result = await tx.query<{ vote_id: string }>(
        `INSERT INTO ${this.votes} SELECT * FROM concealing ORDER BY vote_id
         ON CONFLICT (vote_id) DO NOTHING RETURNING vote_id`,
      );
      return result.rows.length;
    });
  }

  async close(): Promise<void> {
    await this.options.onClose?.();
  }
}

/** Quotes a schema name for SQL, refusing anything but letters, digits and underscores. */
function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid PostgreSQL schema name: ${name}`);
  return `"${name}"`;
}
