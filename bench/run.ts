import { createPublicKey } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TicketKeys } from '@ballotstream/core/ports';
import { triggers } from '@ballotstream/functions/triggers';
import { Redis } from 'ioredis';
import {
  aedesPublishCpu,
  aedesQos1,
  duckdbGroupBy,
  duckdbIdempotentInsertCpu,
  duckdbWindowGroupBy,
  lmdbTokenSpendCpu,
  redisLuaClaim,
  redisSetNx,
  type SignatureRates,
  type SignatureScheme,
  signatureVerifications,
  voteValidationCpu,
} from './baselines';
import { csvImport } from './csv-import';
import { verificationsOverHttp, wholeElection } from './election';
import type { Rate } from './measure';
import {
  openProjectBench,
  publishToTally,
  tallyOverStoredVotes,
  verifications,
  votesIngested,
} from './paths';
import { type BenchSummary, benchResult, floorsAllowPerSecond, overFloor } from './result';
import {
  ballotTokenCpu,
  bareHttpJson,
  cpuPerOp,
  lmdbConditionalWriteCpu,
  verificationFloor,
} from './verification-floor';

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
  signaturesPerThread: quick ? 10_000 : 40_000,
  verifications: quick ? 5_000 : 20_000,
  handlerVerifications: quick ? 2_000 : 5_000,
  httpRequests: quick ? 10_000 : 30_000,
  electionVoters: quick ? 3_000 : 10_000,
  latencyVotes: quick ? 400 : 1_000,
  latencyRate: 200,
  tallyRows: Number(flag('tally-rows') ?? (quick ? 1_000_000 : 10_000_000)),
  csvRows: quick ? 5_000 : 20_000,
  floorRows: quick ? 20_000 : 100_000,
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
const benchStarted = performance.now();
// Each phase says when it starts, so a run's time (kept under ~5 minutes at default sizes) shows where it goes.
const say = (text: string) =>
  process.stdout.write(
    text.startsWith('· ')
      ? `${text} (at ${((performance.now() - benchStarted) / 1000).toFixed(0)} s)\n`
      : `${text}\n`,
  );
const rate = (r: Rate) =>
  `${Math.round(r.perSecond).toLocaleString('en')}/s (p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms)`;

say(
  `ballotstream bench${quick ? ' (quick)' : ''}: ${cpus().length} cores, Node ${process.version}, Redis ${redisUrl}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
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
lines.push({
  name: `aedes QoS 1 publish→receive, window ${sizes.brokerWindow}`,
  figure: `${rate(broker)}, ${broker.cpuMicrosPerMessage.toFixed(1)} µs CPU a message`,
});

// Each verification checks a ticket signature and each vote a machine signature, so these
// rates bound the two paths whatever else they do. Message sizes are those of a ticket's
// signed part and a vote's signing bytes.
say('· raw signature checks (node:crypto), one thread and every core');
const signatures = {
  ticketEd25519: await signatureVerifications('ed25519', 160, sizes.signaturesPerThread),
  ticketP256: await signatureVerifications('ecdsa-p256', 160, sizes.signaturesPerThread),
  voteEd25519: await signatureVerifications('ed25519', 260, sizes.signaturesPerThread),
};
results.signatures = signatures;
const perSecond = (n: number) => `${Math.round(n).toLocaleString('en')}/s`;
const signatureFigure = (s: SignatureRates) =>
  `${perSecond(s.oneCore)} on 1 thread, ${perSecond(s.allCores)} on ${s.threads}`;
lines.push({ name: 'Ed25519 verify, ticket (160 B)', figure: signatureFigure(signatures.ticketEd25519) });
lines.push({ name: 'ECDSA P-256 verify, ticket (160 B)', figure: signatureFigure(signatures.ticketP256) });
lines.push({ name: 'Ed25519 verify, vote (260 B)', figure: signatureFigure(signatures.voteEd25519) });

// What a vote's bare work costs, from the components alone in the same run, spread over every
// core: the most votes/s any vote path could reach here. Irreducible: the machine signature
// checked and the broker taking the QoS 1 publish (no subscriber). Then what every vote must
// also get: its message parsed and checked with its schema, its ballot token spent (a read and a
// conditional write), and an idempotent insert into each region's DuckDB store, whose cost per
// row falls as statements grow, so it is measured at the recorders' batch size and at a
// generous 1,000 rows a statement.
say('· raw floor of a vote: broker publish, validation, token spend, idempotent store inserts');
const recorderBatch = triggers.find((t) => t.name === 'recordVotePrimary');
const storeBatch = recorderBatch?.kind === 'event' ? (recorderBatch.batch?.size ?? 1) : 1;
const generousBatch = 1_000;
const floor = {
  verifyMicros: 1e6 / signatures.voteEd25519.oneCore,
  brokerMicros: await aedesPublishCpu(sizes.brokerMessages, sizes.brokerWindow),
  validationMicros: voteValidationCpu(sizes.floorRows),
  tokenSpendMicros: await lmdbTokenSpendCpu(sizes.floorRows, sizes.redisInFlight),
  storeInsertMicros: await duckdbIdempotentInsertCpu(sizes.floorRows, storeBatch),
  storeInsertGenerousMicros: await duckdbIdempotentInsertCpu(sizes.floorRows, generousBatch),
};
const irreducibleMicros = floor.verifyMicros + floor.brokerMicros;
const everyVoteMicros = irreducibleMicros + floor.validationMicros + floor.tokenSpendMicros;
const atRecorderBatchMicros = everyVoteMicros + 2 * floor.storeInsertMicros;
const atGenerousBatchMicros = everyVoteMicros + 2 * floor.storeInsertGenerousMicros;
const atMost = (micros: number) => (cpus().length * 1e6) / micros;
// What the goal allows a vote: every core's time, shared by half the broker's rate.
const goalBudgetMicros = (cpus().length * 1e6) / (0.5 * broker.perSecond);
results.voteFloor = {
  ...floor,
  storeBatch,
  generousBatch,
  irreducibleMicros,
  atRecorderBatchMicros,
  atGenerousBatchMicros,
  goalBudgetMicros,
  ratioIrreducible: atMost(irreducibleMicros) / broker.perSecond,
  ratioAtRecorderBatch: atMost(atRecorderBatchMicros) / broker.perSecond,
  ratioAtGenerousBatch: atMost(atGenerousBatchMicros) / broker.perSecond,
};
const floorFigure = (micros: number) =>
  `${micros.toFixed(0)} µs CPU → at most ${perSecond(atMost(micros))} on ${cpus().length} cores = ${(atMost(micros) / broker.perSecond).toFixed(2)}× aedes QoS 1`;
lines.push({
  name: `vote floor: verify ${floor.verifyMicros.toFixed(0)} + broker publish ${floor.brokerMicros.toFixed(0)} µs`,
  figure: floorFigure(irreducibleMicros),
});
lines.push({
  name: `  + schema ${floor.validationMicros.toFixed(0)} + token spend ${floor.tokenSpendMicros.toFixed(0)} + 2 × DuckDB insert ${floor.storeInsertMicros.toFixed(0)} (${storeBatch} a statement)`,
  figure: floorFigure(atRecorderBatchMicros),
});
lines.push({
  name: `  the same with 2 × DuckDB insert ${floor.storeInsertGenerousMicros.toFixed(1)} µs (${generousBatch.toLocaleString('en')} a statement)`,
  figure: `${floorFigure(atGenerousBatchMicros)}; 0.5× allows ${goalBudgetMicros.toFixed(0)} µs a vote`,
});

// What a verification's bare work costs, from the parts alone in the same run: a bare node:http
// JSON request and answer at the same concurrency and keep-alive client as the path (client and
// server both in this process, as the path's are), the ticket signature, the Redis claim (this
// process's side; Redis's CPU is its own process's in both), the voter's durable conditional
// write and the ballot token (its HMAC and hash, and a second conditional write to store it).
say('· raw floor of a verification: bare HTTP JSON, Redis claim, durable conditional write, ballot token');
const bareHttp = await bareHttpJson(sizes.httpRequests, sizes.redisInFlight);
const conditionalWriteMicros = await lmdbConditionalWriteCpu(sizes.floorRows, sizes.redisInFlight);
const ballotTokenMicros = ballotTokenCpu(sizes.floorRows) + conditionalWriteMicros;
results.bareHttpJson = bareHttp;
lines.push({
  name: `bare node:http JSON request→answer, ${sizes.redisInFlight} in flight, keep-alive`,
  figure: `${rate(bareHttp)}, ${bareHttp.cpuMicrosPerOp.toFixed(0)} µs CPU each`,
});

/** What signature checks alone allow a path, next to that path's baseline. */
function ceiling(s: SignatureRates, baseline: Rate) {
  return {
    scheme: s.scheme,
    oneCore: s.oneCore,
    allCores: s.allCores,
    ratioOneCore: s.oneCore / baseline.perSecond,
    ratioAllCores: s.allCores / baseline.perSecond,
  };
}
const ceilingLine = (what: string, c: ReturnType<typeof ceiling>, baseline: string): Line => ({
  name: `ceiling: ${what} (${c.scheme}) alone allow`,
  figure: `${perSecond(c.oneCore)} on 1 core = ${c.ratioOneCore.toFixed(2)}× ${baseline}; ${perSecond(c.allCores)} on all = ${c.ratioAllCores.toFixed(2)}×`,
});

// Voters by index: those verified through the handler, then over HTTP, then the latency run's,
// then the whole election's.
const firstOver = {
  http: sizes.handlerVerifications,
  latency: sizes.handlerVerifications + sizes.verifications,
  election: sizes.handlerVerifications + sizes.verifications + sizes.latencyVotes,
};
const seeded = firstOver.election + sizes.electionVoters;
let summary: BenchSummary | undefined;
say(`· project: seeding ${seeded.toLocaleString('en')} voters`);
const bench = await openProjectBench(redisUrl, seeded);
try {
  const ticketScheme = schemeOfCurrentTicketKey(bench.runtime.deps.ticketKeys);
  const ticketCeiling = ceiling(
    ticketScheme === 'ed25519' ? signatures.ticketEd25519 : signatures.ticketP256,
    setNx,
  );
  const voteCeiling = ceiling(signatures.voteEd25519, broker);
  const ticketSignatures = ticketScheme === 'ed25519' ? signatures.ticketEd25519 : signatures.ticketP256;
  const verifyFloor = verificationFloor({
    httpMicros: bareHttp.cpuMicrosPerOp,
    ticketSignatureMicros: 1e6 / ticketSignatures.oneCore,
    redisClaimMicros: lua.cpuMicrosPerOp,
    conditionalWriteMicros,
    ballotTokenMicros,
  });
  say('· project: verifications through the handler alone, then over HTTP');
  const direct = await cpuPerOp(sizes.handlerVerifications, () =>
    verifications(bench, 0, sizes.handlerVerifications, sizes.redisInFlight),
  );
  const verified = await verificationsOverHttp(
    bench,
    firstOver.http,
    sizes.verifications,
    sizes.redisInFlight,
  );
  const verificationCpu = verified.rate.cpuMicrosPerOp;
  results.verifications = {
    ...verified.rate,
    refused: verified.refused,
    floor: verifyFloor,
    overFloor: verificationCpu / verifyFloor.totalMicros,
    ratioToSetNx: verified.rate.perSecond / setNx.perSecond,
    ceiling: ticketCeiling,
    handlerAlone: { ...direct.value.rate, refused: direct.value.refused, cpuMicrosPerOp: direct.micros },
  };
  lines.push({
    name: `verification floor: HTTP ${verifyFloor.httpMicros.toFixed(0)} + ticket ${verifyFloor.ticketSignatureMicros.toFixed(0)} + claim ${verifyFloor.redisClaimMicros.toFixed(0)} + write ${verifyFloor.conditionalWriteMicros.toFixed(0)} + token ${verifyFloor.ballotTokenMicros.toFixed(0)} µs`,
    figure: `${verifyFloor.totalMicros.toFixed(0)} µs CPU → at most ${perSecond(atMost(verifyFloor.totalMicros))} on ${cpus().length} cores`,
  });
  lines.push({
    name: `verifications over HTTP (authorizer, route, handler), ${sizes.redisInFlight} in flight`,
    figure: `${rate(verified.rate)}, ${verificationCpu.toFixed(0)} µs CPU each`,
    baseline: 'its floor (CPU)',
    ratio: verificationCpu / verifyFloor.totalMicros,
    goal: '≤ 1.5',
  });
  lines.push({
    name: `verifications through the handler alone, ${sizes.redisInFlight} in flight`,
    figure: `${rate(direct.value.rate)}, ${direct.micros.toFixed(0)} µs CPU each`,
    baseline: 'the verification floor less HTTP',
    ratio: direct.micros / (verifyFloor.totalMicros - verifyFloor.httpMicros),
    goal: 'none',
  });
  lines.push(ceilingLine('ticket signature checks', ticketCeiling, 'SET NX'));

  // Half the granted ballots are sent from the gateways' queues, half cast during the run.
  const granted = [...direct.value.granted, ...verified.granted];
  const half = Math.floor(granted.length / 2);
  say('· project: votes publish → accept → both stores');
  const ingested = await votesIngested(bench, granted.slice(0, half), sizes.brokerWindow, 'publish');
  results.votes = {
    ...ingested.rate,
    stored: ingested.stored,
    cpuMicrosPerVote: ingested.cpuMicrosPerVote,
    floorMicros: atRecorderBatchMicros,
    overFloor: ingested.cpuMicrosPerVote / atRecorderBatchMicros,
    ratioToBroker: ingested.rate.perSecond / broker.perSecond,
    ceiling: voteCeiling,
  };
  const votesFigure = (f: typeof ingested) =>
    `${Math.round(f.rate.perSecond).toLocaleString('en')}/s, ${Math.round(f.cpuMicrosPerVote)} µs CPU a vote; stored ${f.stored.join(' / ')}`;
  lines.push({
    name: 'votes publish→accept→both stores, queued while offline',
    figure: votesFigure(ingested),
    baseline: `the vote floor at ${storeBatch} a statement (CPU)`,
    ratio: ingested.cpuMicrosPerVote / atRecorderBatchMicros,
    goal: '≤ 1.5',
  });
  say('· project: votes cast → accept → both stores');
  const cast = await votesIngested(bench, granted.slice(half), sizes.brokerWindow, 'cast');
  results.votesFromCast = { ...cast.rate, stored: cast.stored, cpuMicrosPerVote: cast.cpuMicrosPerVote };
  lines.push({
    name: `votes cast (signed, queued) →both stores, ${sizes.brokerWindow} casts at once`,
    figure: votesFigure(cast),
  });
  lines.push(ceilingLine('machine signature checks', voteCeiling, 'aedes QoS 1'));

  say('· project: publish → tally latency');
  const more = await verifications(bench, firstOver.latency, sizes.latencyVotes, 50);
  const latency = await publishToTally(bench, more.granted, sizes.latencyRate);
  results.publishToTally = latency;
  lines.push({
    name: `publish→tally at ${sizes.latencyRate} votes/s, tally job back to back`,
    figure: `p50 ${latency.p50Ms.toFixed(0)} ms, p99 ${latency.p99Ms.toFixed(0)} ms (${latency.tallied}/${latency.votes})`,
  });

  say(`· project: a whole election, ${sizes.electionVoters.toLocaleString('en')} voters`);
  const election = await wholeElection(bench, firstOver.election, sizes.electionVoters, sizes.redisInFlight);
  const floorsAllow = floorsAllowPerSecond(cpus().length, verifyFloor.totalMicros, atRecorderBatchMicros);
  results.election = { ...election, floorsAllowPerSecond: floorsAllow };
  lines.push({
    name: `whole election: verify over HTTP, cast at the gateway, both stores, tally every second, ${sizes.redisInFlight} voters at once`,
    figure: `${Math.round(election.votersPerSecond).toLocaleString('en')} voters/s, ${Math.round(election.cpuMicrosPerVoter)} µs CPU a voter; verified ${election.verified}/${election.voters}, stored ${election.stored.join(' / ')}, tallied ${election.tallied}, lost ${election.lost}`,
    baseline: `what the two floors allow (${perSecond(floorsAllow)})`,
    ratio: election.votersPerSecond / floorsAllow,
    goal: '≥ 5,000 voters/s',
  });
  summary = {
    verification: overFloor(verificationCpu, verifyFloor.totalMicros, verified.rate.perSecond),
    votes: overFloor(ingested.cpuMicrosPerVote, atRecorderBatchMicros, ingested.rate.perSecond),
    election: {
      voters: election.voters,
      votersPerSecond: election.votersPerSecond,
      floorsAllowPerSecond: floorsAllow,
      lost: election.lost,
    },
  };
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

if (summary === undefined) throw new Error('the project paths did not run');
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const folder = join(dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(folder, { recursive: true });
const file = join(folder, `${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify(benchResult({ quick, cores: cpus().length, loadAverage: loadavg(), sizes, summary, results, lines }), null, 2)}\n`,
);
say(
  `\nload average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; written to ${file}`,
);
process.exit(0);

/** The scheme of the key the runtime signs tickets with (file keys are Ed25519 unless rotated). */
function schemeOfCurrentTicketKey(keys: TicketKeys): SignatureScheme {
  const current = keys.publicKeys().find((k) => k.keyId === keys.currentKeyId);
  if (current === undefined) throw new Error(`no public key for ticket key ${keys.currentKeyId}`);
  const type = createPublicKey(current.publicKeyPem).asymmetricKeyType;
  if (type === 'ed25519') return 'ed25519';
  if (type === 'ec') return 'ecdsa-p256';
  throw new Error(`ticket key ${keys.currentKeyId} is ${type}, neither Ed25519 nor ECDSA P-256`);
}
