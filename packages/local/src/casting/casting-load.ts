import { randomBytes, randomUUID, sign } from 'node:crypto';
import { recordKeys, sha256 } from '@ballotstream/core';
import type { RecordStore } from '@ballotstream/core/ports';
import { type SignedVoteFields, topics, type VoteMessage, voteSigningBytes } from '@ballotstream/events';
import type { MachineTls } from '@ballotstream/gateway';
import mqtt, { type MqttClient } from 'mqtt';
import type { DemoMachine } from '../demo/seed';
import { issueMachineCertificate } from '../pki/election-ca';
import type { Runtime } from '../runtime/runtime';

/**
 * Grants a ballot token for a machine exactly as a successful verification does (only its hash is
 * stored, bound to the machine), without a voter: for load and fault scenarios.
 */
export async function grantBallotToken(
  records: RecordStore,
  electionId: string,
  machine: Pick<DemoMachine, 'machineId' | 'boothId'>,
  expiresAt: number,
): Promise<string> {
  const ballotToken = randomBytes(24).toString('base64url');
  await records.put(
    'ballots',
    {
      ...recordKeys.ballotToken(sha256(ballotToken)),
      electionId,
      boothId: machine.boothId,
      machineId: machine.machineId,
      expiresAt,
    },
    { kind: 'absent' },
  );
  return ballotToken;
}

/** The client certificate a machine needs to reach the runtime's broker, or undefined on plain TCP. */
export async function machineTlsFor(runtime: Runtime, machineId: string): Promise<MachineTls | undefined> {
  return runtime.ca === undefined ? undefined : issueMachineCertificate(runtime.ca, machineId);
}

/** A vote signed by a machine, as its gateway would publish it (with the receipt it printed, if given). */
export function signedVote(
  machine: DemoMachine,
  electionId: string,
  candidateId: string,
  bucketStart: number,
  ballotToken: string,
  receipt?: string,
): VoteMessage {
  const fields: SignedVoteFields = {
    voteId: randomUUID(),
    electionId,
    constituencyId: machine.constituencyId,
    boothId: machine.boothId,
    machineId: machine.machineId,
    candidateId,
    bucketStart,
    ballotToken,
    ...(receipt === undefined ? {} : { receipt }),
  };
  return {
    ...fields,
    signature: sign(null, voteSigningBytes(fields), machine.privateKey).toString('base64url'),
  };
}

/** Connects as a machine (its client id, and its certificate when the broker runs TLS). */
export async function connectMachine(options: {
  readonly mqttUrl: string;
  readonly machineId: string;
  readonly tls?: MachineTls | undefined;
}): Promise<MqttClient> {
  const { tls } = options;
  return mqtt.connectAsync(options.mqttUrl, {
    clientId: options.machineId,
    clean: true,
    reconnectPeriod: 200,
    // Under load the broker may answer a new connection late; a slow CONNACK is not a failure.
    connectTimeout: 120_000,
    ...(tls === undefined
      ? {}
      : { key: tls.keyPem, cert: tls.certPem, ca: tls.caPem, rejectUnauthorized: true }),
  });
}

/**
 * Publishes messages on a machine's vote topic, QoS 1, with at most `window` unacknowledged at
 * once, over the client given or a new connection; resolves when the broker acknowledged all.
 */
export async function publishVotes(options: {
  readonly mqttUrl: string;
  readonly stage: string;
  readonly machineId: string;
  readonly tls?: MachineTls | undefined;
  readonly client?: MqttClient;
  /** Leave the connection open afterwards (the caller publishes more on it). */
  readonly keepOpen?: boolean;
  readonly messages: readonly (VoteMessage | string)[];
  readonly window: number;
}): Promise<void> {
  const client = options.client ?? (await connectMachine(options));
  const topic = topics.votes(options.stage, options.machineId);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < options.messages.length; i = next++) {
      const m = options.messages[i]!;
      await client.publishAsync(topic, typeof m === 'string' ? m : JSON.stringify(m), { qos: 1 });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.window) }, worker));
  } finally {
    if (options.keepOpen !== true) await client.endAsync();
  }
}
