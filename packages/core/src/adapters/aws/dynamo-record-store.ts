import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DependencyError } from '../../errors';
import type {
  QueryOptions,
  QueryPage,
  RecordKey,
  RecordStore,
  StoredRecord,
  TableName,
  WriteCondition,
  WriteFence,
} from '../../ports/record-store';

export interface DynamoRecordStoreOptions {
  readonly client: DynamoDBClient;
  /** The physical table name of each logical table (SST gives each a generated name). */
  readonly tableNames: Readonly<Record<TableName, string>>;
}

interface ConditionParts {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Turns a port condition into a DynamoDB ConditionExpression with its placeholders. */
export function conditionExpression(condition: WriteCondition | undefined): ConditionParts {
  if (condition === undefined) return {};
  switch (condition.kind) {
    case 'absent':
      return { ConditionExpression: 'attribute_not_exists(pk)' };
    case 'present':
      return { ConditionExpression: 'attribute_exists(pk)' };
    case 'field-absent':
      return {
        ConditionExpression: 'attribute_not_exists(#c)',
        ExpressionAttributeNames: { '#c': condition.field },
      };
    case 'field-equals':
      return {
        ConditionExpression: '#c = :c',
        ExpressionAttributeNames: { '#c': condition.field },
        ExpressionAttributeValues: { ':c': condition.value },
      };
  }
}

/** Durable records in DynamoDB: one table per logical table, conditional writes as condition expressions. */
export class DynamoRecordStore implements RecordStore {
  constructor(private readonly options: DynamoRecordStoreOptions) {}

  async get(table: TableName, key: RecordKey): Promise<StoredRecord | undefined> {
    const out = await this.call(() =>
      this.options.client.send(
        new GetItemCommand({ TableName: this.name(table), Key: marshall(key), ConsistentRead: true }),
      ),
    );
    return out.Item === undefined ? undefined : (unmarshall(out.Item) as StoredRecord);
  }

  async put(table: TableName, record: StoredRecord, condition?: WriteCondition): Promise<boolean> {
    const parts = conditionExpression(condition);
    return this.conditional(() =>
      this.options.client.send(
        new PutItemCommand({
          TableName: this.name(table),
          Item: marshall(record, { removeUndefinedValues: true }),
          ...this.marshalled(parts),
        }),
      ),
    );
  }

  async putFenced(
    table: TableName,
    record: StoredRecord,
    condition: WriteCondition,
    fence: WriteFence,
  ): Promise<boolean> {
    const check = this.marshalled(conditionExpression(fence.condition));
    try {
      await this.options.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                ...check,
                TableName: this.name(fence.table),
                Key: marshall(fence.key),
                ConditionExpression: check.ConditionExpression ?? 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.name(table),
                Item: marshall(record, { removeUndefinedValues: true }),
                ...this.marshalled(conditionExpression(condition)),
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      // A cancelled transaction names a reason per item; only failed conditions mean "not written".
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      const cancelled =
        error instanceof TransactionCanceledException ||
        (error as { name?: string }).name === 'TransactionCanceledException';
      if (cancelled && reasons?.some((r) => r.Code === 'ConditionalCheckFailed')) return false;
      throw new DependencyError('dynamodb', 'fenced write failed', { cause: error });
    }
  }

  async update(
    table: TableName,
    key: RecordKey,
    fields: Readonly<Record<string, unknown>>,
    condition?: WriteCondition,
  ): Promise<boolean> {
    const entries = Object.entries(fields).filter(
      ([name, value]) => name !== 'pk' && name !== 'sk' && value !== undefined,
    );
    if (entries.length === 0) return true;
    const parts = conditionExpression(condition);
    const names: Record<string, string> = { ...parts.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...parts.ExpressionAttributeValues };
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    return this.conditional(() =>
      this.options.client.send(
        new UpdateItemCommand({
          TableName: this.name(table),
          Key: marshall(key),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ...this.marshalled({
            ...parts,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        }),
      ),
    );
  }

  async delete(table: TableName, key: RecordKey): Promise<void> {
    await this.call(() =>
      this.options.client.send(new DeleteItemCommand({ TableName: this.name(table), Key: marshall(key) })),
    );
  }

  async query(table: TableName, pk: string, options: QueryOptions = {}): Promise<QueryPage> {
    const limit = options.limit;
    const records: StoredRecord[] = [];
    let startKey = options.after === undefined ? undefined : marshall({ pk, sk: options.after });
    // DynamoDB may stop a page early (1 MB); keep reading until the page is full or the partition ends.
    do {
      const out = await this.call(() =>
        this.options.client.send(
          new QueryCommand({
            TableName: this.name(table),
            KeyConditionExpression: options.skPrefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
            ExpressionAttributeValues: marshall({
              ':pk': pk,
              ...(options.skPrefix ? { ':prefix': options.skPrefix } : {}),
            }),
            ConsistentRead: true,
            ...(limit === undefined ? {} : { Limit: limit + 1 - records.length }),
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        ),
      );
      for (const item of out.Items ?? []) records.push(unmarshall(item) as StoredRecord);
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined && (limit === undefined || records.length <= limit));
    if (limit !== undefined && records.length > limit) {
      const page = records.slice(0, limit);
      return { records: page, next: page.at(-1)!.sk };
    }
    return { records };
  }

  async close(): Promise<void> {}

  private name(table: TableName): string {
    return this.options.tableNames[table];
  }

  private marshalled(parts: ConditionParts) {
    return {
      ...(parts.ConditionExpression === undefined ? {} : { ConditionExpression: parts.ConditionExpression }),
      ...(parts.ExpressionAttributeNames === undefined
        ? {}
        : { ExpressionAttributeNames: parts.ExpressionAttributeNames }),
      ...(parts.ExpressionAttributeValues === undefined ||
      Object.keys(parts.ExpressionAttributeValues).length === 0
        ? {}
        : { ExpressionAttributeValues: marshall(parts.ExpressionAttributeValues) }),
    };
  }

  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw new DependencyError('dynamodb', 'write failed', { cause: error });
    }
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new DependencyError('dynamodb', 'request failed', { cause: error });
    }
  }
}
