import { DuckDBInstance } from '@duckdb/node-api';

const W = 900000;
const i = await DuckDBInstance.create('/tmp/t10m-b.duckdb');
const c = await i.connect();
const T = async (name: string, sql: string) => {
  let best = 1e9;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    await c.run(sql);
    best = Math.min(best, performance.now() - t);
  }
  console.log(name, best.toFixed(0));
};
const win = `bucket_start - bucket_start % ${W}`;
await c.run(
  'CREATE TABLE IF NOT EXISTS t3 (election_id VARCHAR, window_start BIGINT, constituency_id VARCHAR, candidate_id VARCHAR, votes BIGINT)',
);
await c.run(
  'CREATE TEMP TABLE t4 (election_id VARCHAR, window_start BIGINT, constituency_id VARCHAR, candidate_id VARCHAR, votes BIGINT)',
);
for (let round = 0; round < 2; round++) {
  await T(
    'bare',
    `SELECT count(*) FROM (SELECT ${win}, constituency_id, candidate_id, count(*) FROM votes GROUP BY ALL)`,
  );
  await T(
    'insert persistent',
    `DELETE FROM t3; INSERT INTO t3 SELECT election_id, ${win}, constituency_id, candidate_id, count(*) FROM votes GROUP BY ALL`,
  );
  await T(
    'insert temp',
    `DELETE FROM t4; INSERT INTO t4 SELECT election_id, ${win}, constituency_id, candidate_id, count(*) FROM votes GROUP BY ALL`,
  );
  await T(
    'bare 2 keys',
    `SELECT count(*) FROM (SELECT ${win}, candidate_id, count(*) FROM votes GROUP BY ALL)`,
  );
}
process.exit(0);
