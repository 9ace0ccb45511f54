import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { aedesQos1, duckdbGroupBy, duckdbWindowGroupBy, redisLuaClaim, redisSetNx } from './baselines';
import { csvImport } from './csv-import';
import type { Rate } from './measure';
import {
  openProjectBench,
  publishToTally,
  tallyOverStoredVotes,
  verifications,
  votesIngested,
} from './paths';

// `npm run bench [-- --quick] [-- --redis-url redis://127.0.0.1:6379/8] [-- --tally-rows N]`
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes('--quick');
const redisUrl = flag('redis-url') ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8';
const sizes = {
  redisOps: quick ? 30_000 : 100_000,
  redisInFlight: 200,
  brokerMessages: quick ? 10_000 : 30_000,
  brokerWindow: 64,
  verifications: quick ? 5_000 : 20_000,
  latencyVotes: quick ? 400 : 1_000,
  latencyRate: 200,
  tallyRows: Number(flag('tally-rows') ?? (quick ? 1_000_000 : 10_000_000)),
  csvRows: quick ? 5_000 : 20_000,
};
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

interface Line {
  readonly name: string;
  readonly figure: string;
  readonly baseline?: string;
  readonly ratio?: number;
  readonly goal?: string;
}
const lines: Line[] = [];
const results: Record<string, unknown> = {};
const say = (text: string) => process.stdout.write(`${text}\n`);
const rate = (r: Rate) =>
  `${Math.round(r.perSecond).toLocaleString('en')}/s (p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms)`;

say(
  `ballotstream bench${quick ? ' (quick)' : ''}: ${cpus().length} cores, Node ${process.version}, Redis ${redisUrl}`,
);

// The bench owns its Redis database: start it empty so earlier runs cost nothing.
const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
await admin.flushdb();
admin.disconnect();

say('· raw Redis SET NX and Lua claim');
const setNx = await redisSetNx(redisUrl, sizes.redisOps, sizes.redisInFlight);
const lua = await redisLuaClaim(redisUrl, sizes.redisOps, sizes.redisInFlight);
results.redisSetNx = setNx;
results.redisLuaClaim = lua;
lines.push({ name: `Redis SET NX, ${sizes.redisInFlight} in flight`, figure: rate(setNx) });
lines.push({ name: `Redis EVALSHA claim, ${sizes.redisInFlight} in flight`, figure: rate(lua) });

say('· raw broker QoS 1');
const broker = await aedesQos1(sizes.brokerMessages, sizes.brokerWindow);
results.brokerQos1 = broker;
lines.push({ name: `aedes QoS 1 publish→receive, window ${sizes.brokerWindow}`, figure: rate(broker) });

say(`· project: seeding ${sizes.verifications + sizes.latencyVotes} voters`);
const bench = await openProjectBench(redisUrl, sizes.verifications + sizes.latencyVotes);
try {
  say('· project: verifications');
  const verified = await verifications(bench, 0, sizes.verifications, sizes.redisInFlight);
  results.verifications = {
    ...verified.rate,
    refused: verified.refused,
    ratioToSetNx: verified.rate.perSecond / setNx.perSecond,
  };
  lines.push({
    name: `verifications through the handler, ${sizes.redisInFlight} in flight`,
    figure: rate(verified.rate),
    baseline: 'Redis SET NX',
    ratio: verified.rate.perSecond / setNx.perSecond,
    goal: '≥ 0.5',
  });

  say('· project: votes publish → accept → both stores');
  const ingested = await votesIngested(bench, verified.granted, sizes.brokerWindow);
  results.votes = {
    ...ingested.rate,
    stored: ingested.stored,
    ratioToBroker: ingested.rate.perSecond / broker.perSecond,
  };
  lines.push({
    name: `votes publish→accept→both stores, window ${sizes.brokerWindow}`,
    figure: `${rate(ingested.rate)}; stored ${ingested.stored.join(' / ')}`,
    baseline: 'aedes QoS 1',
    ratio: ingested.rate.perSecond / broker.perSecond,
    goal: '≥ 0.5',
  });

  say('· project: publish → tally latency');
  const more = await verifications(bench, sizes.verifications, sizes.latencyVotes, 50);
  const latency = await publishToTally(bench, more.granted, sizes.latencyRate);
  results.publishToTally = latency;
  lines.push({
    name: `publish→tally at ${sizes.latencyRate} votes/s, tally job back to back`,
    figure: `p50 ${latency.p50Ms.toFixed(0)} ms, p99 ${latency.p99Ms.toFixed(0)} ms (${latency.tallied}/${latency.votes})`,
  });
} finally {
  await bench.close();
}

say(`· tally over ${sizes.tallyRows.toLocaleString('en')} stored votes`);
const tally = await tallyOverStoredVotes(sizes.tallyRows, duckdbGroupBy, duckdbWindowGroupBy);
results.tally = {
  ...tally,
  ratioToWindowGroupBy: tally.tallyMs / tally.bareWindowGroupByMs,
  ratioToGroupBy: tally.tallyMs / tally.bareGroupByMs,
};
lines.push({
  name: `DuckDB bare GROUP BY constituency, candidate, ${tally.rows.toLocaleString('en')} rows, one store`,
  figure: `${tally.bareGroupByMs.toFixed(0)} ms (${tally.groups} groups; load ${(tally.loadMs / 1000).toFixed(1)} s)`,
});
lines.push({
  name: 'DuckDB bare GROUP BY window, constituency, candidate, both stores at once',
  figure: `${tally.bareWindowGroupByMs.toFixed(0)} ms (${tally.windowGroups.toLocaleString('en')} groups in each)`,
});
lines.push({
  name: `tally job (${tally.windows} windows, both regions, records written)`,
  figure: `${tally.tallyMs.toFixed(0)} ms, ${tally.talliedVotes.toLocaleString('en')} votes`,
  baseline: 'bare window GROUP BY, both stores',
  ratio: tally.tallyMs / tally.bareWindowGroupByMs,
  goal: '≤ 2 (time)',
});
lines.push({
  name: 'tally job beside the one-store GROUP BY constituency, candidate',
  figure: `${(tally.tallyMs / tally.bareGroupByMs).toFixed(1)}× (twice the rows, ${Math.round(tally.windowGroups / tally.groups)}× the groups)`,
});

say('· CSV import');
const csv = await csvImport(sizes.csvRows);
results.csvImport = csv;
lines.push({
  name: 'CSV import',
  figure:
    csv.status === 'measured'
      ? `${Math.round(csv.rowsPerSecond).toLocaleString('en')} rows/s (${csv.rows} rows)`
      : `pending: ${csv.reason}`,
});

const nameWidth = Math.max(...lines.map((l) => l.name.length));
const figureWidth = Math.max(...lines.map((l) => l.figure.length));
say('');
for (const l of lines) {
  const ratio = l.ratio === undefined ? '' : `  ${l.ratio.toFixed(2)}× ${l.baseline} (goal ${l.goal})`;
  say(`${l.name.padEnd(nameWidth)}  ${l.figure.padEnd(figureWidth)}${ratio}`);
}

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const folder = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(folder, { recursive: true });
const file = join(folder, `${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ at: new Date().toISOString(), quick, cores: cpus().length, node: process.version, sizes, results, lines }, null, 2)}\n`,
);
say(`\nwritten to ${file}`);
process.exit(0);
