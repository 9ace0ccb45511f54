import { DuckDBInstance } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(process.argv[2] ?? ':memory:');
const c = await inst.connect();
await c.run(`CREATE TABLE pk (vote_id VARCHAR PRIMARY KEY, e VARCHAR, bucket BIGINT)`);
await c.run(`CREATE TABLE nopk (vote_id VARCHAR, e VARCHAR, bucket BIGINT)`);
const sep = String.fromCharCode(31);
const variants: Record<string, string> = {
  'pk ignore returning': `INSERT OR IGNORE INTO pk SELECT * FROM (SELECT unnest(string_split($1, chr(31))), unnest(string_split($2, chr(31))), unnest(string_split($3, chr(31)))::BIGINT) RETURNING vote_id`,
  'pk ignore': `INSERT OR IGNORE INTO pk SELECT * FROM (SELECT unnest(string_split($1, chr(31))), unnest(string_split($2, chr(31))), unnest(string_split($3, chr(31)))::BIGINT)`,
  nopk: `INSERT INTO nopk SELECT * FROM (SELECT unnest(string_split($1, chr(31))), unnest(string_split($2, chr(31))), unnest(string_split($3, chr(31)))::BIGINT)`,
  'select only': `SELECT count(*) FROM (SELECT unnest(string_split($1, chr(31))), unnest(string_split($2, chr(31))), unnest(string_split($3, chr(31)))::BIGINT)`,
  'select 1': `SELECT $1::VARCHAR IS NULL, $2::VARCHAR IS NULL, $3::VARCHAR IS NULL`,
};
const n = 20;
for (const [name, sql] of Object.entries(variants)) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (let k = 0; k < 200; k++) {
    const ids = Array.from({ length: n }, () => crypto.randomUUID());
    await c.runAndReadAll(sql, [
      ids.join(sep),
      ids.map(() => 'e-1').join(sep),
      ids.map((_, i) => 1780000020000 + i).join(sep),
    ]);
  }
  const u = process.cpuUsage(cpu);
  console.log(
    name.padEnd(22),
    ((performance.now() - t) / 200).toFixed(2),
    'ms/stmt wall',
    ((u.user + u.system) / 200 / 1000).toFixed(2),
    'ms/stmt cpu',
  );
}
for (const name of ['pk ignore returning', 'pk ignore', 'select 1']) {
  const p = await c.prepare(variants[name]!);
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (let k = 0; k < 200; k++) {
    const ids = Array.from({ length: n }, () => crypto.randomUUID());
    p.bindVarchar(1, ids.join(sep));
    p.bindVarchar(2, ids.map(() => 'e-1').join(sep));
    p.bindVarchar(3, ids.map((_, i) => 1780000020000 + i).join(sep));
    await p.runAndReadAll();
  }
  const u = process.cpuUsage(cpu);
  console.log(
    ('prepared ' + name).padEnd(30),
    ((performance.now() - t) / 200).toFixed(2),
    'ms/stmt wall',
    ((u.user + u.system) / 200 / 1000).toFixed(2),
    'ms/stmt cpu',
  );
}
