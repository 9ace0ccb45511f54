import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { TOPIC_RULE_RETRIES } from '@ballotstream/functions/triggers';
import {
  Aedes,
  type AuthenticateHandler,
  type AuthorizePublishHandler,
  type AuthorizeSubscribeHandler,
} from 'aedes';
import { BatchQueue } from '../queue/batch-queue';
import { type IncomingMessage, type LocalTopicRule, rulesFor, selectFields } from './rule-engine';

/** What the broker saw a client do; the fleet monitor counts these. */
export type BrokerActivity =
  | { readonly kind: 'connected'; readonly clientId: string; readonly address: string; readonly at: number }
  | { readonly kind: 'disconnected'; readonly clientId: string; readonly at: number }
  | {
      readonly kind: 'publish-denied';
      readonly clientId: string;
      readonly topic: string;
      readonly at: number;
      readonly reason: PublishDenial;
    }
  | { readonly kind: 'published'; readonly clientId: string; readonly topic: string; readonly at: number };

/** Why the broker refused a publish: the policy, IoT Core's message size, or a retained message. */
export type PublishDenial = 'not-authorised' | 'too-large' | 'retained';

/** IoT Core's largest message payload. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

/** A rule invocation that failed after every retry; IoT Core would hand it to the rule's error action. */
export interface RuleFailure {
  readonly rule: string;
  readonly topic: string;
  readonly clientId: string;
  readonly error: string;
}

export interface LocalBrokerOptions {
  readonly rules: readonly LocalTopicRule[];
  /** Decides whether a client may publish on a topic (the IoT policy); default allows. */
  readonly mayPublish?: (clientId: string, topic: string) => boolean;
  /** Decides whether a client may subscribe to a topic filter; default allows. */
  readonly maySubscribe?: (clientId: string, filter: string) => boolean;
  /**
   * Serve MQTT over TLS and require a client certificate signed by `caPem` whose common name
   * is the client id (as IoT Core binds a connection to its thing); plain TCP without it.
   */
  readonly tls?: { readonly caPem: string; readonly certPem: string; readonly keyPem: string };
  /** Sees what clients do; a promise it returns is work `close` waits for before it resolves. */
  readonly onActivity?: (activity: BrokerActivity) => unknown;
  readonly ruleRetries?: number;
  readonly clock?: () => number;
}

// How many topics' matching rules the broker keeps at once; past that it starts again.
const TOPICS_REMEMBERED = 50_000;

/**
 * The embedded MQTT broker (aedes) with a local rules engine. A QoS 1 publish is acknowledged
 * only after every matching rule has handled it, so a message the engine lost is one the
 * gateway still holds and sends again. A rule whose action is a queue hands its handler batches
 * of messages; each message is still acknowledged only once its own record was handled.
 */
export class LocalBroker {
  private readonly failures: RuleFailure[] = [];
  private readonly topicRules = new Map<string, readonly LocalTopicRule[]>();
  /** Each rule with how one message's SELECT output reaches its handler. */
  private readonly targets = new Map<
    LocalTopicRule,
    (event: Record<string, unknown>) => Promise<string | undefined>
  >();
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  /** Machines whose certificates are INACTIVE (hard block): refused on connect, dropped when set. */
  private readonly inactive = new Set<string>();
  /** Rule runs and activity observations started and not yet done: `close` waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  /** When a connect or disconnect happened: strictly in order, see `strictlyIncreasing`. */
  private readonly presenceAt: () => number;

  constructor(private readonly options: LocalBrokerOptions) {
    this.presenceAt = strictlyIncreasing(options.clock ?? Date.now);
    const retries = options.ruleRetries ?? TOPIC_RULE_RETRIES;
    for (const rule of options.rules) {
      if (rule.batch === undefined) {
        this.targets.set(rule, (event) => invokeWithRetries(rule.invoke, event, retries));
        continue;
      }
      const queue = new BatchQueue({
        ...rule.batch,
        maxReceives: retries + 1,
        backoffMs: 50,
        invoke: rule.invoke,
      });
      this.targets.set(rule, async (event) => {
        const outcome = await queue.send(JSON.stringify(event));
        return outcome.ok ? undefined : outcome.error;
      });
    }
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const now = this.options.clock ?? Date.now;
    const onActivity = this.options.onActivity;
    const activity = (seen: BrokerActivity) => {
      const work = onActivity?.(seen);
      if (work instanceof Promise) this.track(work);
    };
    const mayPublish = this.options.mayPublish ?? (() => true);
    // aedes writes a QoS 1 PUBACK before its `published` hook runs, but only after this check
    // answers: the rules run here, so a message is acknowledged only once every rule handled it.
    const authorizePublish: AuthorizePublishHandler = (client, packet, callback) => {
      const clientId = client?.id ?? '';
      const denial = deniedPublish(packet, client === null, mayPublish(clientId, packet.topic));
      if (denial !== undefined) {
        activity({ kind: 'publish-denied', clientId, topic: packet.topic, at: now(), reason: denial });
        return callback(new Error(`publish refused: ${denial}`));
      }
      if (client === null) return callback(null);
      const message: IncomingMessage = {
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        clientId,
        receivedAt: now(),
      };
      activity({ kind: 'published', clientId, topic: packet.topic, at: message.receivedAt });
      this.track(this.runRules(message).then(() => callback(null)));
    };
    const maySubscribe = this.options.maySubscribe ?? (() => true);
    const authorizeSubscribe: AuthorizeSubscribeHandler = (client, subscription, callback) => {
      if (!maySubscribe(client?.id ?? '', subscription.topic)) {
        return callback(new Error('subscription not authorised'), null);
      }
      callback(null, subscription);
    };
    const tls = this.options.tls;
    const authenticate = this.authenticator();
    const aedes = await Aedes.createBroker({
      authenticate,
      authorizeSubscribe,
      authorizePublish,
    });
    aedes.on('client', (client) => {
      const address = (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
      activity({ kind: 'connected', clientId: client.id, address, at: this.presenceAt() });
    });
    aedes.on('clientDisconnect', (client) =>
      activity({ kind: 'disconnected', clientId: client.id, at: this.presenceAt() }),
    );
    // With TLS the handshake itself refuses a client without a certificate from the election CA.
    const server =
      tls === undefined
        ? createServer(aedes.handle)
        : createTlsServer(
            {
              ca: tls.caPem,
              cert: tls.certPem,
              key: tls.keyPem,
              requestCert: true,
              rejectUnauthorized: true,
            },
            aedes.handle,
          );
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.aedes = aedes;
    this.server = server;
    const scheme = tls === undefined ? 'mqtt' : 'mqtts';
    return `${scheme}://${host}:${(server.address() as AddressInfo).port}`;
  }

  /** With TLS, a client's certificate must be active and name the client id it connects as. */
  private authenticator(): AuthenticateHandler {
    const tls = this.options.tls;
    return (client, _username, _password, callback) => {
      if (tls === undefined) return callback(null, true);
      const socket = client.conn as unknown as TLSSocket;
      const commonName = socket.getPeerCertificate?.()?.subject?.CN;
      if (typeof commonName === 'string' && this.inactive.has(commonName)) {
        // IoT Core answers an inactive certificate's CONNECT as not authorised, too.
        return callback(Object.assign(new Error('certificate is inactive'), { returnCode: 5 }), false);
      }
      if (!socket.authorized || commonName !== client.id) {
        const reason = socket.authorized
          ? `client id is not the certificate's name ${commonName}`
          : 'no valid certificate';
        const error = Object.assign(new Error(reason), { returnCode: 5 });
        return callback(error, false);
      }
      callback(null, true);
    };
  }

  /** Publishes from the cloud side (control messages to machines), retained when asked. */
  async publish(
    topic: string,
    payload: string | Buffer,
    options: { retain?: boolean; qos?: 0 | 1 } = {},
  ): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) throw new Error('broker is not listening');
    await new Promise<void>((resolve, reject) =>
      aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
          qos: options.qos ?? 1,
          retain: options.retain ?? false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    // IoT Core's rules engine also takes what the cloud publishes through the data plane (the
    // broker health probe); no rule listens on the control topics.
    if (this.rulesOf(topic).length > 0) {
      await this.runRules({
        topic,
        payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
        clientId: 'n/a',
        receivedAt: this.options.clock?.() ?? Date.now(),
      });
    }
  }

  /**
   * Sets a machine's certificates ACTIVE or INACTIVE, as IoT Core's `UpdateCertificate` does: an
   * inactive one is refused at connect and its live connection is closed. Locally a certificate
   * is known by the machine id it names (the client id the broker already binds it to).
   */
  setCertificateActive(machineId: string, active: boolean): boolean {
    const changed = active ? this.inactive.delete(machineId) : !this.inactive.has(machineId);
    if (active) return changed;
    this.inactive.add(machineId);
    const clients = (this.aedes as unknown as { clients?: Record<string, { close(): void }> } | undefined)
      ?.clients;
    clients?.[machineId]?.close();
    return changed;
  }

  ruleFailures(): readonly RuleFailure[] {
    return this.failures;
  }

  /**
   * Stops taking connections and closes every client, then waits for the rules and activity
   * observations already started (closing the clients starts one per disconnect), so a runtime
   * closes the stores they use only once they are done.
   */
  async close(): Promise<void> {
    const { aedes, server } = this;
    this.aedes = undefined;
    this.server = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  // Machines publish on a handful of topics each, so the rules of a topic are worked out once.
  private rulesOf(topic: string): readonly LocalTopicRule[] {
    let rules = this.topicRules.get(topic);
    if (rules === undefined) {
      if (this.topicRules.size >= TOPICS_REMEMBERED) this.topicRules.clear();
      rules = rulesFor(this.options.rules, topic);
      this.topicRules.set(topic, rules);
    }
    return rules;
  }

  private async runRules(message: IncomingMessage): Promise<void> {
    await Promise.all(
      this.rulesOf(message.topic).map(async (rule) => {
        const run = this.targets.get(rule);
        if (run === undefined) return;
        const error = await run(selectFields(rule.select, message));
        if (error !== undefined)
          this.failures.push({ rule: rule.name, topic: message.topic, clientId: message.clientId, error });
      }),
    );
  }
}

/**
 * Why a publish is refused, as IoT Core would: a topic the policy does not grant (or `$SYS`), a
 * payload over IoT Core's limit, or a retained message from a machine (machines never retain; a
 * retained message is the cloud's, on a machine's control topic, so none piles up per machine).
 */
function deniedPublish(
  packet: { readonly topic: string; readonly payload: Buffer | string; readonly retain?: boolean },
  fromCloud: boolean,
  granted: boolean,
): PublishDenial | undefined {
  if (packet.topic.startsWith('$SYS') || !granted) return 'not-authorised';
  if (fromCloud) return undefined;
  if (Buffer.byteLength(packet.payload) > MAX_PAYLOAD_BYTES) return 'too-large';
  if (packet.retain === true) return 'retained';
  return undefined;
}

/** Invokes a rule's handler with one message, retrying with backoff; the last error if every attempt failed. */
async function invokeWithRetries(
  invoke: (event: Record<string, unknown>) => Promise<unknown>,
  event: Record<string, unknown>,
  retries: number,
): Promise<string | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await invoke(event);
      return undefined;
    } catch (error) {
      if (attempt >= retries) return error instanceof Error ? error.message : String(error);
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

/**
 * A clock whose readings only grow. Connects and disconnects are stamped with it, strictly in the
 * order they happen, as IoT Core's millisecond lifecycle times are in practice: under a clock that
 * stands still (a simulator holding its day), a reconnect in the same instant would otherwise
 * share its first connect's time and id, read as a redelivery of it, and leave the machine
 * offline for the fleet and liveness rules.
 */
function strictlyIncreasing(now: () => number): () => number {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    last = Math.max(now(), last + 1);
    return last;
  };
}
