import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { SqlClient } from '../postgres/postgres-vote-store';

export interface RdsDataSqlClientOptions {
  readonly client: RDSDataClient;
  /** The Aurora cluster ARN. */
  readonly resourceArn: string;
  /** The Secrets Manager ARN of the cluster's credentials. */
  readonly secretArn: string;
  readonly database: string;
}

/**
 * Rewrites `$1, $2...` placeholders as the Data API's named `:p1, :p2...` parameters. Values
 * are strings, integers or floats (the vote store binds nothing else); `null` binds SQL NULL.
 */
export function namedStatementOf(
  text: string,
  values: readonly unknown[] = [],
): { sql: string; parameters: SqlParameter[] } {
  const sql = text.replace(/\$(\d+)/g, (_, n: string) => `:p${n}`);
  const parameters = values.map((value, i): SqlParameter => {
    const name = `p${i + 1}`;
    if (value === null || value === undefined) return { name, value: { isNull: true } };
    if (typeof value === 'string') return { name, value: { stringValue: value } };
    if (typeof value === 'number' && Number.isSafeInteger(value))
      return { name, value: { longValue: value } };
    if (typeof value === 'number') return { name, value: { doubleValue: value } };
    if (typeof value === 'boolean') return { name, value: { booleanValue: value } };
    throw new TypeError(`parameter $${i + 1}: the Data API cannot bind a ${typeof value}`);
  });
  return { sql, parameters };
}

/**
 * A `SqlClient` over the RDS Data API: SQL over HTTPS with IAM, so a recorder Lambda needs no
 * VPC and the tally job can read the other region's vote store.
 */
export class RdsDataSqlClient implements SqlClient {
  constructor(private readonly options: RdsDataSqlClientOptions) {}

  query<R extends Record<string, unknown>>(
    text: string,
    values?: readonly unknown[],
  ): Promise<{ rows: R[] }> {
    return this.execute<R>(text, values, undefined);
  }

  async transaction<T>(work: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T> {
    const { resourceArn, secretArn, database, client } = this.options;
    const { transactionId } = await client.send(
      new BeginTransactionCommand({ resourceArn, secretArn, database }),
    );
    try {
      const value = await work({
        query: <R extends Record<string, unknown>>(text: string, values?: readonly unknown[]) =>
          this.execute<R>(text, values, transactionId),
      });
      await client.send(new CommitTransactionCommand({ resourceArn, secretArn, transactionId }));
      return value;
    } catch (error) {
      try {
        await client.send(new RollbackTransactionCommand({ resourceArn, secretArn, transactionId }));
      } catch {
        // The transaction times out on its own; the work's error is the one worth reporting.
      }
      throw error;
    }
  }

  private async execute<R extends Record<string, unknown>>(
    text: string,
    values: readonly unknown[] | undefined,
    transactionId: string | undefined,
  ): Promise<{ rows: R[] }> {
    const { sql, parameters } = namedStatementOf(text, values);
    const input: ExecuteStatementCommandInput = {
      resourceArn: this.options.resourceArn,
      secretArn: this.options.secretArn,
      database: this.options.database,
      sql,
      parameters,
      formatRecordsAs: 'JSON',
      ...(transactionId === undefined ? {} : { transactionId }),
    };
    const output = await this.options.client.send(new ExecuteStatementCommand(input));
    return { rows: output.formattedRecords ? (JSON.parse(output.formattedRecords) as R[]) : [] };
  }
}
