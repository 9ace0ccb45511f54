import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { verificationsOverHttp, wholeElection } from './election';
import { openProjectBench, verifications, votesIngested } from './paths';

// Runs only the verification and vote paths of the bench, and prints what each operation cost
// this process in CPU time and garbage-collection pauses: figures that move less than rates when
// other work shares the machine. For a profile:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-paths.ts [--voters 5000]
//     [--only verifications|verifications-over-http|election] [--redis-url redis://127.0.0.1:6379/10]
// `--only election` runs the bench's whole election alone (verify over HTTP, cast at the gateways,
// both stores, the tally every second, 200 voters at once).
// The Redis database named is flushed first, like the bench's own. `--profile <file>` writes a
// CPU profile of the measured part alone (not the start-up and seeding around it).
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const redisUrl = flag('redis-url') ?? process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/8';
const voters = Number(flag('voters') ?? 5_000);
if (!Number.isInteger(voters) || voters < 1)
  throw new Error(`--voters must be a positive integer, not ${flag('voters')}`);
const only = flag('only');
const profileFile = flag('profile');
const modes = ['verifications', 'verifications-over-http', 'election'];
if (only !== undefined && !modes.includes(only))
  throw new Error(`--only takes ${modes.map((m) => `"${m}"`).join(', ')}, not ${only}`);
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });

/** Runs `work` under the V8 profiler when `--profile` names a file, writing the profile there. */
async function profiled<T>(work: () => Promise<T>): Promise<T> {
  if (profileFile === undefined) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
  }
}

/** Runs `work` and reports its rate, and CPU and GC pause per operation. */
async function costOf<T>(what: string, ops: number, work: () => Promise<T>): Promise<T> {
  gcMs = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await profiled(work);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${what}: ${Math.round(ops / seconds).toLocaleString('en')}/s, CPU ${Math.round((used.user + used.system) / ops)} µs and GC pauses ${Math.round((gcMs * 1000) / ops)} µs per operation\n`,
  );
  return value;
}

const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
await admin.flushdb();
admin.disconnect();
const bench = await openProjectBench(redisUrl, voters);
try {
  if (only === 'election') {
    // The phase's monotonic times (those of a V8 CPU profile's samples), to keep only its samples.
    const from = process.hrtime.bigint() / 1000n;
    const figures = await costOf('whole election, 200 voters at once', voters, () =>
      wholeElection(bench, 0, voters, 200),
    );
    process.stdout.write(`phase µs ${from}-${process.hrtime.bigint() / 1000n}\n`);
    process.stdout.write(
      `whole election: ${Math.round(figures.votersPerSecond).toLocaleString('en')} voters/s, CPU ${Math.round(figures.cpuMicrosPerVoter)} µs a voter, lost ${figures.lost}, tally runs ${figures.tallyRuns}\n`,
    );
  } else {
    await verificationsAndVotes(only === undefined);
  }
} finally {
  await bench.close();
}
process.exit(0);

/** The verification path (through the handler, or over HTTP), then (unless only verifications were asked for) the two vote paths. */
async function verificationsAndVotes(votes: boolean): Promise<void> {
  // Over HTTP: the runtime's API (authorizer, routing) in front of the same handler.
  const verified =
    only === 'verifications-over-http'
      ? await costOf('verifications over HTTP, 200 in flight', voters, () =>
          verificationsOverHttp(bench, 0, voters, 200),
        )
      : await costOf('verifications, 200 in flight', voters, () => verifications(bench, 0, voters, 200));
  if (verified.refused > 0) throw new Error(`${verified.refused} verifications were refused`);
  if (votes) {
    // Each figure covers its own measured stretch only (not the offline casting before it).
    const half = Math.floor(verified.granted.length / 2);
    for (const from of ['publish', 'cast'] as const) {
      const ballots = from === 'publish' ? verified.granted.slice(0, half) : verified.granted.slice(half);
      const figures = await votesIngested(bench, ballots, 64, from);
      process.stdout.write(
        `votes ${from}→accept→both stores: ${Math.round(figures.rate.perSecond).toLocaleString('en')}/s, CPU ${Math.round(figures.cpuMicrosPerVote)} µs per vote\n`,
      );
    }
  }
}
