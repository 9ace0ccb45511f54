import { BIGINT, DuckDBInstance, LIST, listValue, VARCHAR } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
for (const t of ['a', 'b'])
  await c.run(
    `CREATE TABLE ${t} (vote_id VARCHAR PRIMARY KEY, e VARCHAR, c VARCHAR, b VARCHAR, m VARCHAR, cand VARCHAR, bucket BIGINT)`,
  );
const rows = (k: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `vote-${k}-${i}-${crypto.randomUUID()}`,
    e: 'election-2026',
    c: 'c-12',
    b: 'booth-3',
    m: 'machine-77',
    cand: 'cand-12-3',
    bucket: 1780000020000 + i,
  }));
const listSql = `INSERT OR IGNORE INTO a SELECT * FROM (SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), unnest($4::VARCHAR[]), unnest($5::VARCHAR[]), unnest($6::VARCHAR[]), unnest($7::BIGINT[])) RETURNING vote_id`;
const sep = String.fromCharCode(31);
const splitSql = `INSERT OR IGNORE INTO b SELECT * FROM (SELECT unnest(string_split($1, chr(31))), unnest(string_split($2, chr(31))), unnest(string_split($3, chr(31))), unnest(string_split($4, chr(31))), unnest(string_split($5, chr(31))), unnest(string_split($6, chr(31))), unnest(string_split($7, chr(31)))::BIGINT) RETURNING vote_id`;
for (const n of [20, 100, 500])
  for (let round = 0; round < 2; round++) {
    let t = performance.now();
    let cpu = process.cpuUsage();
    for (let k = 0; k < 100; k++) {
      const r = rows(k + round * 1000 + n * 10000, n);
      await c.runAndReadAll(
        listSql,
        [
          listValue(r.map((x) => x.id)),
          listValue(r.map((x) => x.e)),
          listValue(r.map((x) => x.c)),
          listValue(r.map((x) => x.b)),
          listValue(r.map((x) => x.m)),
          listValue(r.map((x) => x.cand)),
          listValue(r.map((x) => BigInt(x.bucket))),
        ],
        [
          LIST(VARCHAR),
          LIST(VARCHAR),
          LIST(VARCHAR),
          LIST(VARCHAR),
          LIST(VARCHAR),
          LIST(VARCHAR),
          LIST(BIGINT),
        ],
      );
    }
    let u = process.cpuUsage(cpu);
    console.log(
      'list',
      n,
      (((performance.now() - t) / 100 / n) * 1000).toFixed(1),
      'µs/row wall',
      ((u.user + u.system) / 100 / n).toFixed(1),
      'µs/row cpu',
    );
    t = performance.now();
    cpu = process.cpuUsage();
    for (let k = 0; k < 100; k++) {
      const r = rows(k + round * 1000 + n * 10000, n);
      await c.runAndReadAll(splitSql, [
        r.map((x) => x.id).join(sep),
        r.map((x) => x.e).join(sep),
        r.map((x) => x.c).join(sep),
        r.map((x) => x.b).join(sep),
        r.map((x) => x.m).join(sep),
        r.map((x) => x.cand).join(sep),
        r.map((x) => x.bucket).join(sep),
      ]);
    }
    u = process.cpuUsage(cpu);
    console.log(
      'split',
      n,
      (((performance.now() - t) / 100 / n) * 1000).toFixed(1),
      'µs/row wall',
      ((u.user + u.system) / 100 / n).toFixed(1),
      'µs/row cpu',
    );
  }
const a = await c.runAndReadAll('select count(*) from a');
const b = await c.runAndReadAll('select count(*), min(bucket), max(bucket) from b');
console.log(a.getRows(), b.getRows());
