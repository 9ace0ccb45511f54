import type { AcceptedVote } from '@ballotstream/events';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { RecordOutcome, TallyRow, VoteStore } from '../../ports/vote-store';
import { shuffled } from '../shared/shuffle';

const COLUMNS = 8;
// DuckDB binds at most this many values in one statement comfortably; larger batches are split.
const ROWS_PER_STATEMENT = 500;

/**
 * One region's vote store in an embedded DuckDB file. The vote id is the primary key and
 * inserts ignore conflicts, so a replay stores nothing twice.
 */
export class DuckDbVoteStore implements VoteStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly region: 'primary' | 'secondary',
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Opens (or creates) the store at a file path, or in memory with ':memory:'. */
  static async open(region: 'primary' | 'secondary', path: string): Promise<DuckDbVoteStore> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE IF NOT EXISTS votes (
      vote_id VARCHAR PRIMARY KEY,
      election_id VARCHAR NOT NULL,
      constituency_id VARCHAR NOT NULL,
      booth_id VARCHAR NOT NULL,
      machine_id VARCHAR NOT NULL,
      candidate_id VARCHAR NOT NULL,
      bucket_start BIGINT NOT NULL,
      receipt VARCHAR
    )`);
    return new DuckDbVoteStore(region, instance, connection);
  }

  record(votes: readonly AcceptedVote[]): Promise<RecordOutcome> {
    return this.serialised(async () => {
      let written = 0;
      // Insertion order is the only order a file keeps; shuffling hides the order voters came in.
      const batch = shuffled(votes);
      for (let start = 0; start < batch.length; start += ROWS_PER_STATEMENT) {
        const chunk = batch.slice(start, start + ROWS_PER_STATEMENT);
        const placeholders = chunk.map(() => `(${Array(COLUMNS).fill('?').join(',')})`).join(',');
        const values = chunk.flatMap((v) => [
          v.voteId,
          v.electionId,
          v.constituencyId,
          v.boothId,
          v.machineId,
          v.candidateId,
          // DuckDB binds a JS number as a 32-bit INTEGER; epoch milliseconds need BIGINT.
          BigInt(v.bucketStart),
          v.receipt ?? null,
        ]);
        const reader = await this.connection.runAndReadAll(
          `INSERT OR IGNORE INTO votes VALUES ${placeholders} RETURNING vote_id`,
          values,
        );
        written += reader.currentRowCount;
      }
      return { written, duplicates: votes.length - written };
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

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  // One DuckDB connection runs one statement at a time; calls queue behind each other.
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
