import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServiceUrls } from '../../config';
import { voteStoreContract } from '../../testing/vote-store-contract';
import { openPgPool, pgPoolClient } from './pg-client';
import { PostgresVoteStore } from './postgres-vote-store';

// Runs when POSTGRES_URL is set (CI sets it when PostgreSQL answers); then it must answer, or the run fails.
const url = testServiceUrls().postgres;
const runId = `vs_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const schemas: string[] = [];

describe.skipIf(url === undefined)('the PostgreSQL vote store', () => {
  const admin = url === undefined ? undefined : pgPoolClient(openPgPool(url, 2));

  beforeAll(async () => {
    // Fails loudly when POSTGRES_URL is set but nothing answers there.
    await admin!.query('SELECT 1');
  });

  afterAll(async () => {
    for (const schema of schemas) await admin!.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin!.end();
  });

  /** A store on a schema of its own, dropped after the run. */
  const open = (region: 'primary' | 'secondary', schema = `${runId}_${schemas.length}`) => {
    if (!schemas.includes(schema)) schemas.push(schema);
    const client = pgPoolClient(openPgPool(url!, 4));
    return PostgresVoteStore.open({ region, client, schema, onClose: () => client.end() });
  };

  voteStoreContract('PostgreSQL', (region) => open(region));

  it('stores a vote once when two processes (pools) record it at the same instant', async () => {
    const schema = `${runId}_shared`;
    const [a, b] = await Promise.all([open('primary', schema), open('primary', schema)]);
    const votes = Array.from({ length: 200 }, (_, i) => ({
      voteId: `v${i}`,
      electionId: 'e-1',
      constituencyId: 'c-1',
      boothId: 'b-1',
      machineId: 'm-1',
      candidateId: 'x',
      bucketStart: Date.UTC(2026, 10, 27, 9, 30),
    }));
    const [ra, rb] = await Promise.all([a.record(votes), b.record(votes)]);
    expect(ra.written + rb.written).toBe(200);
    expect((await a.tally('e-1', 0, Date.UTC(2027, 0, 1)))[0]?.votes).toBe(200);
    await Promise.all([a.close(), b.close()]);
  });

  it('loses no vote recorded while another process conceals the order', async () => {
    const schema = `${runId}_conceal`;
    const [writer, concealer] = await Promise.all([open('primary', schema), open('primary', schema)]);
    const vote = (i: number) => ({
      voteId: randomUUID(),
      electionId: 'e-1',
      constituencyId: 'c-1',
      boothId: 'b-1',
      machineId: 'm-1',
      candidateId: `k${i % 3}`,
      bucketStart: Date.UTC(2026, 10, 27, 9, 30),
    });
    const writes: Promise<unknown>[] = [];
    for (let round = 0; round < 10; round++) {
      writes.push(writer.record(Array.from({ length: 50 }, (_, i) => vote(round * 50 + i))));
      writes.push(concealer.concealOrder());
    }
    await Promise.all(writes);
    await concealer.concealOrder();
    const rows = await writer.tally('e-1', 0, Date.UTC(2027, 0, 1));
    expect(rows.reduce((n, r) => n + r.votes, 0)).toBe(500);
    await Promise.all([writer.close(), concealer.close()]);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    const client = pgPoolClient(openPgPool(url!, 1));
    await expect(
      PostgresVoteStore.open({ region: 'primary', client, schema: 'x"; DROP TABLE votes; --' }),
    ).rejects.toThrow(/invalid PostgreSQL schema name/);
    await client.end();
  });
});
