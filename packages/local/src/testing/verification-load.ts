import { randomBytes } from 'node:crypto';
import { issueTicket, verifyVoter } from '@ballotstream/core';
import { SeededVoterRegistry } from '@ballotstream/core/adapters/local';
import type { VerificationRequest } from '@ballotstream/events';
import type { Deps } from '@ballotstream/functions/shared/deps';
import { type DemoElection, type DemoMachine, seedDemoElection } from '../demo/seed';
import type { Runtime } from '../runtime/runtime';

/** A voter as a booth meets them: the ticket on their card and the finger they present. */
export interface LoadVoter {
  readonly voterId: string;
  readonly ticketId: string;
  readonly ticket: string;
  readonly fingerprint: string;
}

export interface VerificationLoad {
  readonly voters: readonly LoadVoter[];
  readonly machines: readonly DemoMachine[];
}

/** The fingerprint sample a load voter presents (base64url), deterministic so tests can vary it. */
export function loadFingerprint(voterId: string): string {
  return Buffer.from(`load-finger:${voterId}`).toString('base64url');
}

/**
 * Prepares an election for verification load on a runtime's dependencies: `booths` booths with a
 * machine each, and `voters` people put in the registry and issued tickets through the issue
 * centre's own use case (so every record a real voter has exists).
 */
export async function prepareVerificationLoad(
  deps: Deps,
  options: { readonly voters: number; readonly booths?: number; readonly prefix?: string },
): Promise<VerificationLoad> {
  const election = await boothsOf(deps, options.booths ?? 8);
  const prefix = options.prefix ?? `lv${randomBytes(3).toString('hex')}`;
  const ids = Array.from({ length: options.voters }, (_, i) => `${prefix}-${String(i).padStart(7, '0')}`);
  const registry = new SeededVoterRegistry(deps.records);
  const issueDeps = {
    keys: deps.ticketKeys,
    pseudonyms: deps.pseudonyms,
    registry: deps.voterRegistry,
    biometrics: deps.biometrics,
    records: deps.records,
    clock: deps.clock,
    electionId: deps.config.electionId,
    ticketTtlMs: deps.config.ticketTtlMs,
  };
  const voters: LoadVoter[] = [];
  // Chunks in flight together let the record store group its commits.
  for (let start = 0; start < ids.length; start += 200) {
    const chunk = ids.slice(start, start + 200);
    await registry.register(
      chunk.map((voterId) => ({
        voterId,
        name: `Voter ${voterId}`,
        photoRef: `photos/${voterId}.jpg`,
        constituencyId: election.machines[0]!.constituencyId,
        eligible: true,
      })),
    );
    const issued = await Promise.all(
      chunk.map(async (voterId) => {
        const fingerprint = loadFingerprint(voterId);
        const result = await issueTicket(issueDeps, {
          voterId,
          fingerprints: [Buffer.from(fingerprint, 'base64url')],
        });
        if (!result.ok) throw new Error(`could not issue a ticket to ${voterId}: ${result.error}`);
        return { voterId, ticketId: result.value.ticketId, ticket: result.value.ticket, fingerprint };
      }),
    );
    voters.push(...issued);
  }
  return { voters, machines: election.machines };
}

// A runtime's booths are seeded once; later loads on the same runtime reuse them.
const seeded = new WeakMap<Deps, Promise<DemoElection>>();

function boothsOf(deps: Deps, booths: number): Promise<DemoElection> {
  let election = seeded.get(deps);
  if (election === undefined) {
    election = seedDemoElection(deps, {
      regions: 1,
      constituenciesPerRegion: 1,
      candidatesPerConstituency: 2,
      boothsPerConstituency: booths,
      voters: 0,
    });
    seeded.set(deps, election);
  }
  return election;
}

/**
 * Every voter tried `perVoter` times, each time at a different booth, with the attempts of one
 * voter next to each other so that, run concurrently, they race.
 */
export function racingAttempts(load: VerificationLoad, perVoter: number): VerificationRequest[] {
  if (perVoter > load.machines.length) throw new RangeError('more attempts per voter than booths');
  return load.voters.flatMap((voter, v) =>
    Array.from({ length: perVoter }, (_, k) => {
      const machine = load.machines[(v + k) % load.machines.length]!;
      return {
        ticket: voter.ticket,
        fingerprint: voter.fingerprint,
        boothId: machine.boothId,
        machineId: machine.machineId,
      };
    }),
  );
}

export interface VerificationRun {
  /** How many answers had each HTTP status. */
  readonly byStatus: Readonly<Record<number, number>>;
  /** How many refusals named each reason. */
  readonly byError: Readonly<Record<string, number>>;
  /** Requests that got no HTTP answer at all. */
  readonly failed: number;
  readonly elapsedMs: number;
  /** Ballot tokens granted, one per successful verification. */
  readonly tokens: readonly string[];
}

export interface RunOptions {
  readonly concurrency: number;
  /** Extra headers on every request (the booth's bearer token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Called once, when half the requests have been answered (to inject a fault mid-run). */
  readonly atHalfway?: () => Promise<void> | void;
}

/** Sends verification requests to a runtime's HTTP API, `concurrency` at a time, and counts the answers. */
export async function runVerifications(
  httpUrl: string,
  requests: readonly VerificationRequest[],
  options: RunOptions,
): Promise<VerificationRun> {
  const byStatus: Record<number, number> = {};
  const byError: Record<string, number> = {};
  const tokens: string[] = [];
  let failed = 0;
  let next = 0;
  let answered = 0;
  let halfway: Promise<void> | undefined;
  const started = performance.now();
  const worker = async () => {
    while (next < requests.length) {
      const body = requests[next++]!;
      try {
        const response = await fetch(`${httpUrl}/verifications`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify(body),
        });
        const answer = (await response.json()) as { ballotToken?: string; error?: string };
        byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
        if (answer.error !== undefined) byError[answer.error] = (byError[answer.error] ?? 0) + 1;
        if (answer.ballotToken !== undefined) tokens.push(answer.ballotToken);
      } catch {
        failed++;
      }
      answered++;
      if (options.atHalfway !== undefined && halfway === undefined && answered >= requests.length / 2) {
        halfway = Promise.resolve(options.atHalfway());
        await halfway;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
  return { byStatus, byError, failed, elapsedMs: performance.now() - started, tokens };
}

/** The bearer header for a role, when the runtime checks tokens; no header when it does not. */
export function bearerFor(runtime: Runtime, role: string): Record<string, string> {
  const tokens = (runtime as { tokens?: { mint(input: { role: string }): string } }).tokens;
  return tokens === undefined ? {} : { authorization: `Bearer ${tokens.mint({ role })}` };
}

/**
 * Runs `n` verifications, one per fresh voter, `concurrency` at a time against a runtime, and
 * reports how many succeeded and how fast (the benchmark's entry point). `via: 'http'` (the
 * default) goes through the API as a booth does; `via: 'use-case'` calls `verifyVoter` on the
 * runtime's adapters directly, which separates the claim protocol's cost from the HTTP layer's.
 */
export async function measureVerifications(
  runtime: Runtime,
  options: { readonly n: number; readonly concurrency: number; readonly via?: 'http' | 'use-case' },
): Promise<{
  readonly verified: number;
  readonly refused: number;
  readonly perSecond: number;
  readonly elapsedMs: number;
}> {
  const load = await prepareVerificationLoad(runtime.deps, { voters: options.n });
  const requests = racingAttempts(load, 1);
  let verified = 0;
  let elapsedMs: number;
  if (options.via === 'use-case') {
    const { deps } = runtime;
    const useCaseDeps = { ...deps, keys: deps.ticketKeys, ...deps.config };
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.max(1, options.concurrency) }, async () => {
        while (next < requests.length) {
          if ((await verifyVoter(useCaseDeps, requests[next++]!)).ok) verified++;
        }
      }),
    );
    elapsedMs = performance.now() - started;
  } else {
    const run = await runVerifications(runtime.httpUrl, requests, {
      concurrency: options.concurrency,
      headers: bearerFor(runtime, 'booth'),
    });
    verified = run.byStatus[201] ?? 0;
    elapsedMs = run.elapsedMs;
  }
  return { verified, refused: options.n - verified, perSecond: (options.n / elapsedMs) * 1000, elapsedMs };
}
