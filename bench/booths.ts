import { parentPort, Worker, workerData } from 'node:worker_threads';
import { BoothGateway } from '@ballotstream/gateway';
import { atConcurrency } from './measure';
import { keepAliveAgent, postJson } from './verification-floor';

/** One booth's machine as the booths' thread needs it: plain data a thread can be handed. */
export interface BoothMachine {
  readonly machineId: string;
  readonly boothId: string;
  readonly constituencyId: string;
  readonly privateKeyPem: string;
  /** The booth's bearer token, minted once, as a booth holds one all day. */
  readonly token: string;
  readonly candidates: readonly string[];
}

/** What the booths' thread is told: where the runtime listens, its booths, and the voters who come in. */
export interface BoothsWork {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  readonly stage: string;
  readonly bucketMs: number;
  readonly electionId: string;
  readonly machines: readonly BoothMachine[];
  /** Each voter's ticket and fingerprint, in the order they come in; voter i goes to machine i mod n. */
  readonly voters: readonly { readonly ticket: string; readonly fingerprint: string }[];
  readonly concurrency: number;
}

/** The booths' thread, its gateways connected: `vote()` lets the voters in. */
export interface Booths {
  vote(): Promise<{ verified: number }>;
}

/**
 * Starts the booths of a whole election in a thread of their own and resolves once every gateway
 * is connected. `vote()` then verifies each voter over HTTP and casts at the booth's gateway
 * (signed, sealed, queued, sent over MQTT), `concurrency` at once, and resolves with the voters
 * verified once every gateway's queue is delivered. Booths are other machines than the cloud's:
 * in one thread with the runtime, their work took the runtime's event loop, and the figure
 * measured the booths as much as the system.
 */
export function startBooths(work: BoothsWork): Promise<Booths> {
  // A thread does not inherit the TypeScript loader: it registers tsx, then loads this file.
  const entry = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(entry, { eval: true, workerData: work });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the booths' thread exited with ${code}`)));
  });
  const next = <T>() => Promise.race([new Promise<T>((resolve) => worker.once('message', resolve)), failed]);
  return next<'ready'>().then(() => ({
    vote() {
      const done = next<{ verified: number }>();
      worker.postMessage('vote');
      return done;
    },
  }));
}

async function boothsThread(work: BoothsWork): Promise<{ verified: number }> {
  const gateways = await Promise.all(
    work.machines.map(async (m) => {
      const gateway = new BoothGateway({
        stage: work.stage,
        machineId: m.machineId,
        boothId: m.boothId,
        electionId: work.electionId,
        constituencyId: m.constituencyId,
        privateKey: m.privateKeyPem,
        mqttUrl: work.mqttUrl,
        bucketMs: work.bucketMs,
      });
      await gateway.start();
      return gateway;
    }),
  );
  const agent = keepAliveAgent(work.concurrency);
  const url = `${work.httpUrl}/verifications`;
  let verified = 0;
  try {
    parentPort!.postMessage('ready');
    await new Promise((resolve) => parentPort!.once('message', resolve));
    await atConcurrency(work.voters.length, work.concurrency, async (i) => {
      const n = i % work.machines.length;
      const machine = work.machines[n]!;
      const voter = work.voters[i]!;
      const body = JSON.stringify({
        ticket: voter.ticket,
        fingerprint: voter.fingerprint,
        boothId: machine.boothId,
        machineId: machine.machineId,
      });
      const answer = await postJson(agent, url, body, { authorization: `Bearer ${machine.token}` });
      if (answer.status !== 201) return;
      verified++;
      const { ballotToken } = answer.body as { ballotToken: string };
      await gateways[n]!.cast(ballotToken, machine.candidates[i % machine.candidates.length]!);
    });
    await Promise.all(gateways.map((g) => g.drained()));
    return { verified };
  } finally {
    agent.destroy();
    await Promise.allSettled(gateways.map((g) => g.stop()));
  }
}

if (parentPort !== null && (workerData as Partial<BoothsWork> | undefined)?.httpUrl !== undefined) {
  const port = parentPort;
  boothsThread(workerData as BoothsWork).then(
    (result) => port.postMessage(result),
    (error: unknown) => {
      throw error;
    },
  );
}
