import { join } from 'node:path';
import { BoothGateway } from '@ballotstream/gateway';
import { type ElectionCa, issueMachineCertificate } from '../pki/election-ca';
import type { DemoElection, DemoMachine, DemoVoter } from './seed';

export interface DriveProgress {
  sent: number;
  verified: number;
  refused: number;
  failed: number;
}

export interface BoothDriverOptions {
  readonly httpUrl: string;
  readonly mqttUrl: string;
  /** The secondary region's broker (`up --regions 2`): gateways fail over to it. */
  readonly fallbackMqttUrl?: string;
  readonly stage: string;
  readonly bucketMs: number;
  readonly election: DemoElection;
  /** Voters each booth processes at once. */
  readonly perBooth?: number;
  /** The least time between two votes on one machine (the demo's pace); none when not set. */
  readonly minVoteIntervalMs?: number;
  readonly signal?: AbortSignal;
  /** The booth's bearer token (role `booth`), as the API admits only booths to `/verifications`. */
  readonly boothToken: string;
  /** The election CA: each gateway gets a client certificate from it when the broker runs TLS. */
  readonly ca?: ElectionCa | undefined;
  /** Where each gateway keeps its durable queue (`<queueRoot>/<machineId>`). */
  readonly queueRoot?: string;
}

/**
 * Plays booths: each voter is verified over HTTP at a booth, then votes on that booth's
 * machine through its gateway over MQTT, for a random candidate of the constituency.
 */
export async function driveBooths(options: BoothDriverOptions, progress: DriveProgress): Promise<void> {
  const { election } = options;
  const gateways = new Map<string, BoothGateway>();
  for (const machine of election.machines) {
    const gateway = new BoothGateway({
      stage: options.stage,
      machineId: machine.machineId,
      boothId: machine.boothId,
      electionId: election.electionId,
      constituencyId: machine.constituencyId,
      privateKey: machine.privateKey,
      mqttUrl: options.mqttUrl,
      ...(options.fallbackMqttUrl === undefined ? {} : { fallbackMqttUrls: [options.fallbackMqttUrl] }),
      bucketMs: options.bucketMs,
      ...(options.ca === undefined
        ? {}
        : { tls: await issueMachineCertificate(options.ca, machine.machineId) }),
      ...(options.queueRoot === undefined ? {} : { queueDir: join(options.queueRoot, machine.machineId) }),
    });
    await gateway.start();
    gateways.set(machine.machineId, gateway);
  }
  try {
    const queues = new Map<string, DemoVoter[]>();
    election.voters.forEach((voter, i) => {
      // Voters may vote anywhere: spread them over every booth in the country.
      const machine = election.machines[i % election.machines.length]!;
      const queue = queues.get(machine.machineId) ?? [];
      queue.push(voter);
      queues.set(machine.machineId, queue);
    });
    await Promise.all(
      election.machines.map(async (machine) => {
        const queue = queues.get(machine.machineId) ?? [];
        const interval = options.minVoteIntervalMs ?? 0;
        for (const voter of queue) {
          if (options.signal?.aborted) return;
          const began = Date.now();
          await voteOnce(options, gateways.get(machine.machineId)!, machine, voter, progress);
          const rest = interval - (Date.now() - began);
          if (rest > 0) await new Promise((r) => setTimeout(r, rest));
        }
      }),
    );
    // Votes stay queued on disk until acknowledged; give the last ones time to arrive.
    await Promise.all(
      [...gateways.values()].map((g) =>
        Promise.race([g.drained(), new Promise((r) => setTimeout(r, 10_000))]),
      ),
    );
    if (!options.signal?.aborted) {
      // Poll close: once the recorders have caught up, each machine publishes its signed result record.
      await new Promise((r) => setTimeout(r, 2_000));
      await Promise.allSettled([...gateways.values()].map((g) => g.closePoll()));
    }
  } finally {
    await Promise.allSettled([...gateways.values()].map((g) => g.stop()));
  }
}

async function voteOnce(
  options: BoothDriverOptions,
  gateway: BoothGateway,
  machine: DemoMachine,
  voter: DemoVoter,
  progress: DriveProgress,
): Promise<void> {
  try {
    const response = await fetch(`${options.httpUrl}/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.boothToken}` },
      body: JSON.stringify({
        ticket: voter.ticket,
        fingerprint: voter.fingerprint,
        boothId: machine.boothId,
        machineId: machine.machineId,
      }),
    });
    const body = (await response.json()) as { ballotToken?: string };
    if (response.status !== 201 || body.ballotToken === undefined) {
      progress.refused++;
      return;
    }
    progress.verified++;
    const candidates = options.election.candidates.get(machine.constituencyId) ?? [];
    const candidate = candidates[Math.floor(Math.random() * candidates.length)]!;
    await gateway.cast(body.ballotToken, candidate);
    progress.sent++;
  } catch {
    progress.failed++;
  }
}
