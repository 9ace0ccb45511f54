import { readTallies } from '@ballotstream/core';
import type { DemoMachine } from '@ballotstream/local/demo/seed';
import { type BoothsWork, startBooths } from './booths';
import { atConcurrency } from './measure';
import { type GrantedBallot, type ProjectBench, storedVotes } from './paths';
import { type CpuRate, cpuPerOp, keepAliveAgent, postJson } from './verification-floor';

const TALLY_EVERY_MS = 1_000;

/** A booth's bearer token per machine, minted once, as a booth holds one all day. */
function boothTokens(bench: ProjectBench): Map<string, string> {
  return new Map(
    bench.election.machines.map((m) => [
      m.machineId,
      bench.runtime.tokens.mint({ role: 'booth', subject: m.boothId }),
    ]),
  );
}

/** Verifies voters over HTTP at their machines' booths; the ballot token of each one granted. */
function httpVerifier(bench: ProjectBench, concurrency: number) {
  const agent = keepAliveAgent(concurrency);
  const tokens = boothTokens(bench);
  const url = `${bench.runtime.httpUrl}/verifications`;
  return {
    async verify(voterIndex: number, machine: DemoMachine): Promise<string | undefined> {
      const voter = bench.election.voters[voterIndex]!;
      const body = JSON.stringify({
        ticket: voter.ticket,
        fingerprint: voter.fingerprint,
        boothId: machine.boothId,
        machineId: machine.machineId,
      });
      const answer = await postJson(agent, url, body, {
        authorization: `Bearer ${tokens.get(machine.machineId)}`,
      });
      if (answer.status !== 201) return undefined;
      return (answer.body as { ballotToken: string }).ballotToken;
    },
    close: () => agent.destroy(),
  };
}

const machineOf = (bench: ProjectBench, i: number) =>
  bench.election.machines[i % bench.election.machines.length]!;

/**
 * Verifications as a booth makes them: over HTTP to the runtime's API (its authorizer, routing,
 * the handler), keep-alive, `concurrency` in flight. CPU per verification is this process's:
 * client, server and handler alike, as in the bare HTTP floor.
 */
export async function verificationsOverHttp(
  bench: ProjectBench,
  from: number,
  count: number,
  concurrency: number,
): Promise<{ rate: CpuRate; granted: GrantedBallot[]; refused: number }> {
  const verifier = httpVerifier(bench, concurrency);
  const granted: GrantedBallot[] = [];
  let refused = 0;
  try {
    const { micros, value } = await cpuPerOp(count, () =>
      atConcurrency(count, concurrency, async (i) => {
        const machine = machineOf(bench, from + i);
        const ballotToken = await verifier.verify(from + i, machine);
        if (ballotToken === undefined) refused++;
        else granted.push({ machine, ballotToken });
      }),
    );
    return { rate: { ...value, cpuMicrosPerOp: micros }, granted, refused };
  } finally {
    verifier.close();
  }
}

/** What a whole election's run did: voters through, counts at each end, CPU per voter. */
export interface ElectionFigures {
  readonly voters: number;
  readonly verified: number;
  readonly refused: number;
  readonly stored: [number, number];
  readonly tallied: number;
  /** Verified voters whose vote is missing from a store or from the tally (0 when nothing was lost). */
  readonly lost: number;
  readonly seconds: number;
  readonly votersPerSecond: number;
  readonly cpuMicrosPerVoter: number;
  readonly tallyRuns: number;
}

/**
 * Runs the tally job every `everyMs` until stopped (its schedule is once a minute; a second keeps
 * the running tally live through a short run). Back to back it ran ~1,300 times a second over
 * mostly clean windows and its CPU, not the voters', set the figure.
 */
function tallyLoop(bench: ProjectBench, everyMs: number) {
  let running = true;
  let runs = 0;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (running) {
      await bench.runtime.scheduler.runNow('materialiseTallies');
      runs++;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, everyMs);
      });
    }
  })();
  return {
    async stop(): Promise<void> {
      running = false;
      wake?.();
      await done;
    },
    runs: () => runs,
  };
}

/** The country's tallied votes for the bench election. */
async function countryTotal(bench: ProjectBench): Promise<number> {
  return (await readTallies(bench.runtime.deps.records, bench.election.electionId, 'country')).totalVotes;
}

/** The booths of the bench election as their own thread takes them: keys as PEM, tokens minted. */
function boothsWork(bench: ProjectBench, from: number, voters: number, concurrency: number): BoothsWork {
  const { election, runtime } = bench;
  const tokens = boothTokens(bench);
  // Voter i goes to machine (from + i) mod n, as in the other phases: rotate the list to match.
  const n = election.machines.length;
  const machines = election.machines.map((_, k) => election.machines[(from + k) % n]!);
  return {
    httpUrl: runtime.httpUrl,
    mqttUrl: runtime.mqttUrl,
    stage: runtime.deps.config.stage,
    bucketMs: runtime.deps.config.bucketMs,
    electionId: election.electionId,
    machines: machines.map((m) => ({
      machineId: m.machineId,
      boothId: m.boothId,
      constituencyId: m.constituencyId,
      privateKeyPem: m.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      token: tokens.get(m.machineId)!,
      candidates: election.candidates.get(m.constituencyId)!,
    })),
    voters: election.voters
      .slice(from, from + voters)
      .map((v) => ({ ticket: v.ticket, fingerprint: v.fingerprint })),
    concurrency,
  };
}

/**
 * A whole election on this machine: each voter is verified over HTTP and casts at the booth's
 * gateway (signed, queued, MQTT), both regions' recorders store the vote and the tally job runs
 * every second throughout, `concurrency` voters at once. The booths (HTTP client and gateways)
 * run in a thread of their own, as they run on machines of their own; the CPU per voter is the
 * whole process's, booths included. The clock stops when every verified voter's vote is in both
 * stores and counted by a tally run; counts are checked at each end.
 */
export async function wholeElection(
  bench: ProjectBench,
  from: number,
  voters: number,
  concurrency: number,
): Promise<ElectionFigures> {
  await bench.runtime.scheduler.runNow('materialiseTallies');
  const [storedBefore, talliedBefore] = await Promise.all([storedVotes(bench), countryTotal(bench)]);
  // The booths' thread starts and connects its gateways before the clock does.
  const booths = await startBooths(boothsWork(bench, from, voters, concurrency));
  let verified = 0;
  const started = performance.now();
  const { micros, value: tallyRuns } = await cpuPerOp(voters, async () => {
    const tally = tallyLoop(bench, TALLY_EVERY_MS);
    try {
      verified = (await booths.vote()).verified;
      await bench.runtime.bus.drain();
    } finally {
      await tally.stop();
    }
    await bench.runtime.scheduler.runNow('materialiseTallies');
    return tally.runs() + 1;
  });
  const seconds = (performance.now() - started) / 1000;
  const [storedAfter, talliedAfter] = await Promise.all([storedVotes(bench), countryTotal(bench)]);
  const stored: [number, number] = [storedAfter[0] - storedBefore[0], storedAfter[1] - storedBefore[1]];
  const tallied = talliedAfter - talliedBefore;
  return {
    voters,
    verified,
    refused: voters - verified,
    stored,
    tallied,
    lost: verified - Math.min(stored[0], stored[1], tallied),
    seconds,
    votersPerSecond: Math.min(verified, ...stored, tallied) / seconds,
    cpuMicrosPerVoter: micros,
    tallyRuns,
  };
}
