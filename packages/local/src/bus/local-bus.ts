import { randomUUID } from 'node:crypto';
import type { EventPublisher, OutgoingEvent } from '@ballotstream/core/ports';
import type { EventBridgeEnvelope, QueueBatch } from '@ballotstream/events';
import { BatchQueue } from '../queue/batch-queue';
import { type EventPattern, matchesPattern } from './pattern';

interface SubscriptionBase {
  readonly name: string;
  readonly pattern: EventPattern;
  /** Attempts after the first, as a Lambda target's async retries (or a queue's redeliveries). */
  readonly retries: number;
}

/**
 * A bus target: the handler a trigger names, invoked with an EventBridge envelope, or, when it
 * reads through a queue, with a batch whose records' bodies are envelopes.
 */
export type Subscription =
  | (SubscriptionBase & {
      readonly batch?: undefined;
      readonly invoke: (envelope: EventBridgeEnvelope) => Promise<unknown>;
    })
  | (SubscriptionBase & {
      /** At most `size` events per invocation, `concurrency` invocations at once. */
      readonly batch: { readonly size: number; readonly concurrency: number };
      readonly invoke: (batch: QueueBatch) => Promise<unknown>;
    });

/** A subscription with how an event's JSON reaches it. */
interface Target {
  readonly subscription: Subscription;
  readonly send: (text: string) => Promise<void>;
}

/** An event a target could not handle after every retry; kept so nothing is lost silently. */
export interface DeadLetter {
  readonly subscription: string;
  readonly envelope: EventBridgeEnvelope;
  readonly error: string;
  readonly attempts: number;
}

export interface LocalBusOptions {
  readonly region?: string;
  readonly account?: string;
  /**
   * The bus's own ARN, named in the `resources` of what is published on it, as the AWS publisher
   * names its bus (`EventBridgePublisher`'s `origin`); the cross-region forwarding matches on it.
   */
  readonly origin?: string;
  /** Base of the exponential backoff between attempts. */
  readonly backoffMs?: number;
  /** Sees every envelope put on the bus (the dashboard feed, tests). */
  readonly onEvent?: (envelope: EventBridgeEnvelope) => void;
}

/**
 * The in-process EventBridge: publishing wraps each event in the envelope AWS delivers, and
 * every subscription whose pattern matches receives it asynchronously, with retries and a
 * readable dead-letter list.
 */
export class LocalBus implements EventPublisher {
  /** The targets whose pattern could match each detail type, worked out on first use. */
  private readonly byDetailType = new Map<string, readonly Target[]>();
  /** Each subscription with how an event's JSON reaches it. */
  private readonly targets: Target[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dead: DeadLetter[] = [];
  private readonly listeners: ((envelope: EventBridgeEnvelope) => void)[] = [];
  private delivered = 0;

  constructor(private readonly options: LocalBusOptions = {}) {
    if (options.onEvent) this.listeners.push(options.onEvent);
  }

  subscribe(subscription: Subscription): void {
    if (subscription.batch === undefined) {
      const { invoke } = subscription;
      const send = (text: string) =>
        this.deliver(invoke, subscription, JSON.parse(text) as EventBridgeEnvelope);
      this.add({ subscription, send });
      return;
    }
    const queue = new BatchQueue({
      ...subscription.batch,
      maxReceives: subscription.retries + 1,
      backoffMs: this.options.backoffMs ?? 100,
      invoke: subscription.invoke,
    });
    this.add({ subscription, send: (text) => this.enqueue(subscription, queue, text) });
  }

  private add(target: Target): void {
    this.targets.push(target);
    this.byDetailType.clear();
  }

  // Most patterns name the detail types they take, so an event is matched only against the
  // targets that could want it; the full pattern is still checked for each of those.
  private targetsFor(detailType: string): readonly Target[] {
    let targets = this.byDetailType.get(detailType);
    if (targets === undefined) {
      targets = this.targets.filter(({ subscription }) => {
        const named = subscription.pattern['detail-type'];
        const plain = Array.isArray(named) && named.every((value) => typeof value === 'string');
        return !plain || named.includes(detailType);
      });
      this.byDetailType.set(detailType, targets);
    }
    return targets;
  }

  /** Adds a listener that sees every envelope; returns a function that removes it. */
  listen(listener: (envelope: EventBridgeEnvelope) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    for (const event of events) this.put(this.envelopeOf(event));
  }

  /** Puts a ready-made envelope on the bus, as AWS services (`aws.geo`) do on the default bus. */
  put(envelope: EventBridgeEnvelope): void {
    // A real bus carries JSON: listeners and each target get their own copy parsed from it, so
    // nobody shares the publisher's objects or another target's. One serialisation per event.
    const text = JSON.stringify(envelope);
    const carried = JSON.parse(text) as EventBridgeEnvelope;
    for (const listener of this.listeners) listener(carried);
    for (const { subscription, send } of this.targetsFor(String(carried['detail-type']))) {
      if (!matchesPattern(subscription.pattern, carried)) continue;
      const delivery = send(text).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  /** Resolves once every delivery started so far, and those they caused, has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Deliveries started and not yet finished: how far the subscribers are behind the publishers. */
  pendingDeliveries(): number {
    return this.inFlight.size;
  }

  deadLetters(): readonly DeadLetter[] {
    return this.dead;
  }

  deliveredCount(): number {
    return this.delivered;
  }

  // The queue carries the envelope's JSON as the record body, as an SQS target of a rule does.
  private async enqueue(subscription: Subscription, queue: BatchQueue, text: string): Promise<void> {
    const outcome = await queue.send(text);
    if (outcome.ok) {
      this.delivered++;
      return;
    }
    this.dead.push({
      subscription: subscription.name,
      envelope: JSON.parse(text) as EventBridgeEnvelope,
      error: outcome.error,
      attempts: outcome.receives,
    });
  }

  private async deliver(
    invoke: (envelope: EventBridgeEnvelope) => Promise<unknown>,
    subscription: Subscription,
    envelope: EventBridgeEnvelope,
  ): Promise<void> {
    // Delivery is asynchronous, as EventBridge's is: the publisher never waits for targets.
    await new Promise((resolve) => setImmediate(resolve));
    const attempts = subscription.retries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await invoke(envelope);
        this.delivered++;
        return;
      } catch (error) {
        if (attempt >= attempts) {
          this.dead.push({
            subscription: subscription.name,
            envelope,
            error: error instanceof Error ? error.message : String(error),
            attempts: attempt,
          });
          return;
        }
        const backoff = (this.options.backoffMs ?? 100) * 2 ** (attempt - 1);
        await new Promise((resolve) => setTimeout(resolve, backoff * (0.5 + Math.random() / 2)));
      }
    }
  }

  private envelopeOf(event: OutgoingEvent): EventBridgeEnvelope {
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': event.detailType,
      source: event.source,
      account: this.options.account ?? '000000000000',
      time: new Date().toISOString(),
      region: this.options.region ?? 'local',
      resources: this.options.origin === undefined ? [] : [this.options.origin],
      // `put` turns the envelope into JSON before anyone sees it.
      detail: event.detail,
    };
  }
}
