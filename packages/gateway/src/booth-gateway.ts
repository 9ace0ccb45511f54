import { createPrivateKey, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { type SignedVoteFields, topics, type VoteMessage, voteSigningBytes } from '@ballotstream/events';
import mqtt, { type MqttClient } from 'mqtt';

export interface BoothGatewayOptions {
  readonly stage: string;
  readonly machineId: string;
  readonly boothId: string;
  readonly electionId: string;
  readonly constituencyId: string;
  /** The machine's Ed25519 private key (PKCS#8 PEM or a key object). */
  readonly privateKey: string | KeyObject;
  readonly mqttUrl: string;
  readonly bucketMs: number;
  readonly clock?: () => number;
}

export interface CastReceipt {
  readonly voteId: string;
  readonly receipt: string;
}

/**
 * The booth edge gateway: turns a button press with a ballot token into a signed vote and
 * delivers it over MQTT QoS 1, keeping it queued until the cloud acknowledges it.
 */
export class BoothGateway {
  private client: MqttClient | undefined;
  private readonly key: KeyObject;
  private readonly queue = new Map<string, VoteMessage>();

  constructor(private readonly options: BoothGatewayOptions) {
    this.key =
      typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  }

  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.options.mqttUrl, {
      clientId: this.options.machineId,
      clean: false,
      reconnectPeriod: 500,
    });
  }

  /** Casts a vote: signs it, queues it, then publishes; resolves once the broker acknowledged it. */
  async cast(ballotToken: string, candidateId: string): Promise<CastReceipt> {
    const now = (this.options.clock ?? Date.now)();
    const fields: SignedVoteFields = {
      voteId: randomUUID(),
      electionId: this.options.electionId,
      constituencyId: this.options.constituencyId,
      boothId: this.options.boothId,
      machineId: this.options.machineId,
      candidateId,
      bucketStart: now - (now % this.options.bucketMs),
      ballotToken,
      receipt: randomBytes(6).toString('base64url'),
    };
    const message: VoteMessage = {
      ...fields,
      signature: sign(null, voteSigningBytes(fields), this.key).toString('base64url'),
    };
    this.queue.set(message.voteId, message);
    await this.deliver(message);
    return { voteId: message.voteId, receipt: fields.receipt! };
  }

  /** Votes signed and kept but not yet acknowledged by the cloud. */
  pending(): number {
    return this.queue.size;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
    this.client = undefined;
  }

  private async deliver(message: VoteMessage): Promise<void> {
    const client = this.client;
    if (!client) throw new Error('gateway is not started');
    await client.publishAsync(
      topics.votes(this.options.stage, this.options.machineId),
      JSON.stringify(message),
      {
        qos: 1,
      },
    );
    this.queue.delete(message.voteId);
  }
}
