import pg from 'pg';
import type { SqlClient } from './postgres-vote-store';

/** A `SqlClient` over a `pg` connection pool, and the means to end the pool. */
export function pgPoolClient(pool: pg.Pool): SqlClient & { end(): Promise<void> } {
  return {
    query: async <R extends Record<string, unknown>>(text: string, values?: readonly unknown[]) => {
      const result = await pool.query<R>(text, values as unknown[] | undefined);
      return { rows: result.rows };
    },
    async transaction<T>(work: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T> {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const value = await work({
          query: async <R extends Record<string, unknown>>(text: string, values?: readonly unknown[]) => ({
            rows: (await connection.query<R>(text, values as unknown[] | undefined)).rows,
          }),
        });
        await connection.query('COMMIT');
        return value;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    end: () => pool.end(),
  };
}

/** Opens a connection pool to a PostgreSQL URL (`postgres://user@host:port/db`). */
export function openPgPool(connectionString: string, max = 10): pg.Pool {
  return new pg.Pool({ connectionString, max });
}
