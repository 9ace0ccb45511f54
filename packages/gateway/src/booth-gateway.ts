import { createHash, createPrivateKey, type KeyObject, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ControlMessage,
  controlMessageSchema,
  type ResultRecord,
  resultSigningBytes,
  type SignedResultFields,
  type SignedVoteFields,
  topics,
  type VoteMessage,
  voteIdsDigestInput,
  voteSigningBytes,
} from '@ballotstream/events';
import mqtt, { type MqttClient } from 'mqtt';
import { DurableQueue, queueKeyOf } from './durable-queue';
import type { MqttCompanion } from './ota/update-agent';
import { receiptCode, receiptKeyOf } from './receipt';

/** The machine's client certificate for MQTT over TLS, with the election CA that signed the broker's. */
export interface MachineTls {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
}

export interface BoothGatewayOptions {
  readonly stage: string;
  readonly machineId: string;
  readonly boothId: string;
  readonly electionId: string;
  readonly constituencyId: string;
  /** The machine's Ed25519 private key (PKCS#8 PEM or a key object). */
  readonly privateKey: string | KeyObject;
  /** The broker of the primary region. */
  readonly mqttUrl: string;
  /**
   * Brokers to fail over to, in order (the secondary region's). The gateway moves to the next when
   * the one it uses refuses connections or leaves a publish unacknowledged for too long, keeps its
   * queue across the move, and returns to the primary once it accepts a connection again.
   */
  readonly fallbackMqttUrls?: readonly string[];
  readonly failover?: FailoverSettings;
  /** Client certificate authentication; required by a broker on `mqtts://`. */
  readonly tls?: MachineTls;
  readonly bucketMs: number;
  /**
   * Where the durable queue lives; a vote is on disk here before the voter is told it was cast.
   * Without one, a fresh directory under the system's temporary directory (no resume across runs).
   */
  readonly queueDir?: string;
  /** Votes published and not yet acknowledged at once. */
  readonly window?: number;
  /** Backoff between delivery attempts after a failure: first and longest wait. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** Pause between publishes (paces a booth's uplink; tests use it to stop a gateway mid-queue). */
  readonly paceMs?: number;
  readonly clock?: () => number;
  /** Shares the connection with a sidecar (the IoT Jobs update agent): its subscriptions and messages. */
  readonly companion?: MqttCompanion;
}

/** When a gateway gives up on a broker, and how often it looks at the primary again. */
export interface FailoverSettings {
  /** A broker that stays unreachable this long is given up (default 5 s). */
  readonly unreachableMs?: number;
  /** A publish unacknowledged this long gives the broker up (default 10 s). */
  readonly ackTimeoutMs?: number;
  /** While away from the primary, how often to try connecting to it (default 15 s). */
  readonly probePrimaryEveryMs?: number;
}

/** One move from a broker to another. */
export interface BrokerSwitch {
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly why: 'unreachable' | 'unacknowledged' | 'primary-back';
}

export interface CastReceipt {
  readonly voteId: string;
  readonly receipt: string;
}

/** Why the gateway refused a button press. */
export type PressRefusal = 'no-token' | 'token-already-used' | 'machine-blocked';

/** A button press the gateway refused; nothing was signed or kept. */
export class PressRefusedError extends Error {
  override readonly name = 'PressRefusedError';
  constructor(readonly reason: PressRefusal) {
    super(`press refused: ${reason}`);
  }
}

const tokenShape = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * The booth edge gateway: turns a button press with a ballot token into a signed vote, keeps it
 * in a durable queue before acknowledging the voter, and delivers the queue over MQTT QoS 1 with
 * retries until the cloud acknowledges each vote, across crashes and restarts.
 */
export class BoothGateway {
  private client: MqttClient | undefined;
  /** The brokers in order of preference, and the one in use. */
  private readonly brokers: readonly string[];
  private active = 0;
  /** Since when the broker in use has been unreachable, if it is. */
  private downSince: number | undefined;
  private lastProbe = 0;
  private probing = false;
  /** Times the primary was given up since it last acknowledged a vote: each doubles the wait before probing it. */
  private primaryGivenUp = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly switches: BrokerSwitch[] = [];
  private readonly key: KeyObject;
  // Derived once: exporting the key and running HKDF cost more than signing the vote itself.
  private readonly receiptKey: Buffer;
  private readonly queueKey: Buffer;
  private queue: DurableQueue | undefined;
  private control: ControlMessage | undefined;
  /** Votes published and not yet acknowledged: when, and through which client. */
  private readonly inFlight = new Map<string, { readonly client: MqttClient; readonly sentAt: number }>();
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly idleWaiters: (() => void)[] = [];
  private lastPublish = 0;
  private readonly queueDir: string;
  private casting = 0;
  private lastCastAt: number | undefined;

  constructor(private readonly options: BoothGatewayOptions) {
    this.key =
      typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
    this.receiptKey = receiptKeyOf(this.key);
    this.queueKey = queueKeyOf(this.key);
    this.queueDir = options.queueDir ?? mkdtempSync(join(tmpdir(), `ballotstream-${options.machineId}-`));
    this.brokers = [options.mqttUrl, ...(options.fallbackMqttUrls ?? [])];
  }

  /** Opens the queue (resuming what a previous run left) and starts connecting; never waits for the broker. */
  async start(): Promise<void> {
    this.queue = await DurableQueue.open(this.queueDir, this.queueKey);
    this.control = this.queue.readControl();
    this.stopped = false;
    this.active = 0;
    this.connect();
    if (this.brokers.length > 1) {
      this.watchdog = setInterval(() => this.watch(), 250);
      this.watchdog.unref();
    }
  }

  /** The broker in use now. */
  activeBroker(): string {
    return this.brokers[this.active]!;
  }

  /** Every move between brokers so far, oldest first. */
  brokerSwitches(): readonly BrokerSwitch[] {
    return this.switches;
  }

  private connect(): void {
    const { tls } = this.options;
    const client = mqtt.connect(this.brokers[this.active]!, {
      clientId: this.options.machineId,
      clean: false,
      reconnectPeriod: this.options.retry?.initialMs ?? 500,
      connectTimeout: 5_000,
      ...(tls === undefined
        ? {}
        : { key: tls.keyPem, cert: tls.certPem, ca: tls.caPem, rejectUnauthorized: true }),
    });
    this.downSince = this.now();
    client.on('connect', () => {
      if (this.client !== client) return;
      this.downSince = undefined;
      void client
        .subscribeAsync(topics.control(this.options.stage, this.options.machineId), { qos: 1 })
        .catch(() => undefined);
      const companion = this.options.companion;
      if (companion !== undefined) {
        void client
          .subscribeAsync([...companion.subscriptions], { qos: 1 })
          .then(() => companion.onConnect((topic, payload) => this.publishFor(client, topic, payload)))
          .catch(() => undefined);
      }
      this.failures = 0;
      this.fill();
    });
    client.on('close', () => {
      if (this.client === client) this.downSince ??= this.now();
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    // Connection errors are retried by the client itself; they must not crash the booth.
    client.on('error', () => undefined);
    this.client = client;
  }

  /** Gives up a broker that is unreachable or sits on a publish, and returns to the primary when it is back. */
  private watch(): void {
    if (this.stopped || this.client === undefined) return;
    const settings = this.options.failover ?? {};
    const now = this.now();
    const next = (this.active + 1) % this.brokers.length;
    if (this.downSince !== undefined && now - this.downSince >= (settings.unreachableMs ?? 5_000)) {
      this.switchTo(next, 'unreachable');
      return;
    }
    const ackTimeout = settings.ackTimeoutMs ?? 10_000;
    for (const sent of this.inFlight.values()) {
      if (sent.client === this.client && now - sent.sentAt >= ackTimeout) {
        this.switchTo(next, 'unacknowledged');
        return;
      }
    }
    const probeEvery =
      (settings.probePrimaryEveryMs ?? 15_000) * 2 ** Math.min(6, Math.max(0, this.primaryGivenUp - 1));
    if (this.active !== 0 && !this.probing && now - this.lastProbe >= probeEvery) {
      this.lastProbe = now;
      void this.probePrimary();
    }
  }

  /** Connects to the primary and leaves at once; moves back to it when that works. */
  private async probePrimary(): Promise<void> {
    this.probing = true;
    const { tls } = this.options;
    try {
      const probe = await mqtt.connectAsync(this.brokers[0]!, {
        clientId: this.options.machineId,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 2_000,
        ...(tls === undefined
          ? {}
          : { key: tls.keyPem, cert: tls.certPem, ca: tls.caPem, rejectUnauthorized: true }),
      });
      probe.on('error', () => undefined);
      await probe.endAsync(true);
      if (!this.stopped && this.active !== 0) this.switchTo(0, 'primary-back');
    } catch {
      // Still down: stay where the gateway is.
    } finally {
      this.probing = false;
    }
  }

  /** Moves to another broker: the old connection is dropped, and what it left unacknowledged is sent again. */
  private switchTo(index: number, why: BrokerSwitch['why']): void {
    const old = this.client;
    if (index === this.active || old === undefined) return;
    this.switches.push({ from: this.brokers[this.active]!, to: this.brokers[index]!, at: this.now(), why });
    if (this.active === 0) {
      this.primaryGivenUp++;
      this.lastProbe = this.now();
    }
    this.active = index;
    this.client = undefined;
    old.removeAllListeners('connect');
    old.end(true);
    for (const [voteId, sent] of this.inFlight) if (sent.client === old) this.inFlight.delete(voteId);
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.connect();
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Resolves once the gateway is connected to the broker. */
  async connected(): Promise<void> {
    const client = this.requireClient();
    if (client.connected) return;
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  /**
   * Casts a vote for a voter holding a ballot token: signs it and resolves once it is on disk;
   * delivery to the cloud follows in the background and survives a crash.
   */
  async cast(ballotToken: string, candidateId: string): Promise<CastReceipt> {
    this.casting++;
    try {
      return await this.signAndKeep(ballotToken, candidateId);
    } finally {
      this.casting--;
      this.lastCastAt = this.now();
    }
  }

  /** Whether a press is being recorded now, and when the last one was taken: when an update may swap in. */
  presses(): { readonly casting: boolean; readonly lastCastAt?: number } {
    return {
      casting: this.casting > 0,
      ...(this.lastCastAt === undefined ? {} : { lastCastAt: this.lastCastAt }),
    };
  }

  private async signAndKeep(ballotToken: string, candidateId: string): Promise<CastReceipt> {
    const queue = this.requireQueue();
    if (this.control?.blocked === true) throw new PressRefusedError('machine-blocked');
    if (!tokenShape.test(ballotToken)) throw new PressRefusedError('no-token');
    if (queue.hasUsedToken(ballotToken)) throw new PressRefusedError('token-already-used');
    const now = (this.options.clock ?? Date.now)();
    const voteId = randomUUID();
    const fields: SignedVoteFields = {
      voteId,
      electionId: this.options.electionId,
      constituencyId: this.options.constituencyId,
      boothId: this.options.boothId,
      machineId: this.options.machineId,
      candidateId,
      bucketStart: now - (now % this.options.bucketMs),
      ballotToken,
      // docs/as-built.md, "Vote receipts": a keyed hash of the random vote id, nothing more.
      receipt: receiptCode(this.receiptKey, voteId),
    };
    const message: VoteMessage = {
      ...fields,
      signature: sign(null, voteSigningBytes(fields), this.key).toString('base64url'),
    };
    await queue.append(message);
    this.fill();
    return { voteId: message.voteId, receipt: fields.receipt! };
  }

  /** Votes cast and kept but not yet acknowledged by the cloud. */
  pending(): number {
    return this.queue?.pendingCount() ?? 0;
  }

  /** Whether the cloud has blocked this machine. */
  isBlocked(): boolean {
    return this.control?.blocked === true;
  }

  /** Resolves once every queued vote has been acknowledged by the cloud. */
  async drained(): Promise<void> {
    if (this.pending() === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Builds and signs this machine's result record from every vote it cast, keeps it as
   * `result.json` beside the queue, publishes it, and resolves once the cloud acknowledged it.
   */
  async closePoll(): Promise<ResultRecord> {
    const record = this.resultRecord();
    writeFileSync(join(this.queueDir, 'result.json'), `${JSON.stringify(record, null, 2)}\n`, {
      mode: 0o600,
    });
    await this.requireClient().publishAsync(
      topics.results(this.options.stage, this.options.machineId),
      JSON.stringify(record),
      { qos: 1 },
    );
    return record;
  }

  /** This machine's signed result record as of now. */
  resultRecord(): ResultRecord {
    const cast = this.requireQueue().castSummary(this.options.electionId);
    const fields: SignedResultFields = {
      electionId: this.options.electionId,
      machineId: this.options.machineId,
      boothId: this.options.boothId,
      constituencyId: this.options.constituencyId,
      counts: { ...cast.counts },
      voteCount: cast.voteIds.length,
      firstBucket: cast.firstBucket,
      lastBucket: cast.lastBucket,
      voteIdsHash: createHash('sha256').update(voteIdsDigestInput(cast.voteIds)).digest('hex'),
      closedAt: (this.options.clock ?? Date.now)(),
    };
    return { ...fields, signature: sign(null, resultSigningBytes(fields), this.key).toString('base64url') };
  }

  /** Stops delivering and disconnects; undelivered votes stay in the queue for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    await this.client?.endAsync(true).catch(() => undefined);
    this.client = undefined;
    await this.queue?.close();
    this.queue = undefined;
    this.inFlight.clear();
  }

  private async publishFor(client: MqttClient, topic: string, payload: string): Promise<void> {
    await client.publishAsync(topic, payload, { qos: 1 }).catch(() => undefined);
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== topics.control(this.options.stage, this.options.machineId)) {
      this.options.companion?.onMessage(topic, payload);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const parsed = controlMessageSchema.safeParse(value);
    if (!parsed.success || parsed.data.machineId !== this.options.machineId) return;
    // The message states the whole state; an older one never undoes a newer one.
    if (this.control !== undefined && parsed.data.at < this.control.at) return;
    this.queue?.writeControl(parsed.data);
    this.control = parsed.data;
  }

  /**
   * Publishes queued votes up to the window. Votes cast before a block are still delivered: the
   * cloud counts them because they were cast before it; a blocked machine casts nothing new.
   */
  private fill(): void {
    const client = this.client;
    const queue = this.queue;
    if (this.stopped || client === undefined || queue === undefined || !client.connected) return;
    if (this.retryTimer !== undefined) return;
    const window = this.options.window ?? 16;
    for (const message of queue.pending()) {
      if (this.inFlight.size >= window) break;
      if (this.inFlight.has(message.voteId)) continue;
      const pace = this.options.paceMs ?? 0;
      const wait = this.lastPublish + pace - Date.now();
      if (pace > 0 && wait > 0) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.fill();
        }, wait);
        return;
      }
      this.lastPublish = Date.now();
      this.send(client, queue, message);
    }
  }

  private send(client: MqttClient, queue: DurableQueue, message: VoteMessage): void {
    this.inFlight.set(message.voteId, { client, sentAt: this.now() });
    // A connection given up in a failover may still answer late: its acknowledgement stands (the
    // cloud has the vote), its failure does not touch what the new connection has in flight.
    const settle = () => {
      if (this.inFlight.get(message.voteId)?.client === client) this.inFlight.delete(message.voteId);
    };
    client
      .publishAsync(topics.votes(this.options.stage, message.machineId), JSON.stringify(message), { qos: 1 })
      .then(async () => {
        settle();
        this.failures = 0;
        if (this.client === client && this.active === 0) this.primaryGivenUp = 0;
        if (this.queue === queue) await queue.acknowledge(message.voteId);
        if (queue.pendingCount() === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        this.fill();
      })
      .catch(() => {
        settle();
        if (this.client === client) this.backOff();
      });
  }

  private backOff(): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    const { initialMs, maxMs } = this.options.retry ?? { initialMs: 200, maxMs: 30_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.fill();
    }, delay);
  }

  private requireQueue(): DurableQueue {
    if (this.queue === undefined) throw new Error('gateway is not started');
    return this.queue;
  }

  private requireClient(): MqttClient {
    if (this.client === undefined) throw new Error('gateway is not started');
    return this.client;
  }
}
