import {
  alertRaised,
  anomalyDetected,
  type TopicDefinition,
  voteRejected,
  voterRejected,
  voteTopic,
} from '@ballotstream/events';
import type { Trigger } from '@ballotstream/functions/triggers';

/**
 * Events a vote does not routinely cause: refusals and what watchers raise when something is
 * wrong. The walk leaves them out; every other event a step declares is counted.
 */
const EXCEPTIONAL = new Set<string>(
  [voterRejected, voteRejected, anomalyDetected, alertRaised].map((e) => e.type),
);

/** PutEvents takes at most ten entries a call; a batched step sends its events ten at a time. */
const PUT_EVENTS_ENTRIES = 10;

/** Every request one vote causes in AWS, as the trigger table wires it, per vote. */
export interface VoteFanOut {
  readonly apiRequests: number;
  readonly iotMessages: number;
  /** IoT rules triggered, each with its one action. */
  readonly iotRuleActions: number;
  /** Events put on the primary bus (EventBridge bills each entry). */
  readonly events: number;
  readonly putEventsCalls: number;
  /** Events the primary bus forwards to the secondary region's bus (billed again there). */
  readonly crossRegionEvents: number;
  /** Sends to a batching queue, and a receive and a delete per batch read. */
  readonly sqsRequests: number;
  readonly lambdaInvocations: number;
  /** Per step: invocations per vote, and what starts it. */
  readonly steps: readonly { readonly name: string; readonly invocations: number; readonly via: string }[];
  readonly eventsByType: Readonly<Record<string, number>>;
}

type Counts = { -readonly [K in Exclude<keyof VoteFanOut, 'steps' | 'eventsByType'>]: number };

/** Walks what each step causes, from its trigger through its events' subscribers and its tables' streams. */
class Walk {
  readonly counts: Counts = {
    apiRequests: 0,
    iotMessages: 0,
    iotRuleActions: 0,
    events: 0,
    putEventsCalls: 0,
    crossRegionEvents: 0,
    sqsRequests: 0,
    lambdaInvocations: 0,
  };
  readonly steps = new Map<string, { invocations: number; via: string }>();
  readonly eventsByType: Record<string, number> = {};

  constructor(private readonly triggers: readonly Trigger[]) {}

  /** `items` reach `trigger` per vote: count its invocations, then what it publishes and writes. */
  step(trigger: Trigger, items: number, depth = 0): void {
    if (depth > 12) throw new Error(`the fan-out of ${trigger.name} does not end: a cycle of events?`);
    const batch = trigger.kind === 'http' || trigger.kind === 'schedule' ? undefined : trigger.batch;
    const invocations = batch === undefined ? items : items / batch.size;
    if (trigger.kind === 'http') this.counts.apiRequests += items;
    if (trigger.kind === 'topic-rule') this.counts.iotRuleActions += items;
    // A queue between the rule and the function: a send per item, a receive and a delete per batch.
    if (batch !== undefined && trigger.kind !== 'stream') this.counts.sqsRequests += items + 2 * invocations;
    this.counts.lambdaInvocations += invocations;
    const seen = this.steps.get(trigger.name);
    this.steps.set(trigger.name, {
      invocations: (seen?.invocations ?? 0) + invocations,
      via: batch === undefined ? trigger.kind : `${trigger.kind}, batches of ${batch.size}`,
    });
    for (const type of trigger.publishes) {
      if (EXCEPTIONAL.has(type)) continue;
      this.published(type, items, batch === undefined, depth);
    }
    for (const [table, use] of Object.entries(trigger.reaches?.tables ?? {})) {
      if (use !== 'write') continue;
      // A stream reader runs in each region, on the table and on its replica.
      for (const reader of this.triggers)
        if (reader.kind === 'stream' && reader.table === table) this.step(reader, 2 * items, depth + 1);
    }
  }

  private published(type: string, events: number, oneCallEach: boolean, depth: number): void {
    this.counts.events += events;
    this.counts.putEventsCalls += oneCallEach ? events : events / PUT_EVENTS_ENTRIES;
    this.eventsByType[type] = (this.eventsByType[type] ?? 0) + events;
    const subscribers = this.triggers.filter(
      (t) => t.kind === 'event' && t.pattern['detail-type'].includes(type),
    );
    // The primary bus forwards each distinct pattern a secondary subscriber listens for once.
    const forwarded = new Set(
      subscribers.flatMap((t) =>
        t.kind === 'event' && t.region === 'secondary' ? [JSON.stringify(t.pattern)] : [],
      ),
    );
    this.counts.crossRegionEvents += events * forwarded.size;
    for (const subscriber of subscribers) this.step(subscriber, events, depth + 1);
  }
}

/**
 * What one vote causes in AWS, derived from the trigger table: its verification (`verificationsPerVote`
 * attempts on `POST /verifications`) and its message on the vote topic, then every rule, queue,
 * invocation and event that follows, routinely (refusals and anomalies left out).
 */
export function voteFanOut(
  triggers: readonly Trigger[],
  verificationsPerVote: number,
  topic: TopicDefinition = voteTopic,
): VoteFanOut {
  const walk = new Walk(triggers);
  const verification = triggers.find(
    (t) => t.kind === 'http' && t.method === 'POST' && t.path === '/verifications',
  );
  if (verification === undefined) throw new Error('the trigger table has no POST /verifications route');
  walk.step(verification, verificationsPerVote);
  const rules = triggers.filter((t) => t.kind === 'topic-rule' && t.topic.suffix === topic.suffix);
  if (rules.length === 0) throw new Error(`no topic rule reads ${topic.suffix}`);
  walk.counts.iotMessages += 1;
  for (const rule of rules) walk.step(rule, 1);
  return {
    ...walk.counts,
    steps: [...walk.steps].map(([name, s]) => ({ name, ...s })),
    eventsByType: walk.eventsByType,
  };
}

/** AWS list prices the fan-out is costed at, USD per million requests of each kind. */
export interface RequestPrices {
  readonly apiRequestPerMillion: number;
  readonly iotMessagePerMillion: number;
  readonly iotRulePlusActionPerMillion: number;
  readonly eventBridgeEventPerMillion: number;
  readonly sqsRequestPerMillion: number;
  readonly lambdaRequestPerMillion: number;
}

/** The fan-out's requests per million votes and what they cost, line by line. */
export function fanOutCosts(f: VoteFanOut, p: RequestPrices) {
  const lines = [
    { item: 'API Gateway requests', requests: f.apiRequests, price: p.apiRequestPerMillion },
    { item: 'IoT Core messages', requests: f.iotMessages, price: p.iotMessagePerMillion },
    {
      item: 'IoT rules triggered + actions',
      requests: f.iotRuleActions,
      price: p.iotRulePlusActionPerMillion,
    },
    { item: 'EventBridge events put', requests: f.events, price: p.eventBridgeEventPerMillion },
    {
      item: 'EventBridge events forwarded across regions',
      requests: f.crossRegionEvents,
      price: p.eventBridgeEventPerMillion,
    },
    { item: 'SQS requests', requests: f.sqsRequests, price: p.sqsRequestPerMillion },
    { item: 'Lambda invocations', requests: f.lambdaInvocations, price: p.lambdaRequestPerMillion },
  ].map((l) => ({ item: l.item, perMillionVotes: l.requests * 1e6, usd: l.requests * l.price }));
  return {
    lines,
    totalRequests: lines.reduce((s, l) => s + l.perMillionVotes, 0),
    totalUsd: lines.reduce((s, l) => s + l.usd, 0),
  };
}

const fixed = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 3 });

/** The fan-out as text: the steps a vote passes, then requests and cost per million votes. */
export function renderFanOut(f: VoteFanOut, p: RequestPrices, region: string): string {
  const costs = fanOutCosts(f, p);
  const out = [
    'One vote in AWS, from the trigger table (a verification and a vote message; refusals and anomalies left out)',
    '',
    '| step | invocations a vote | started by |',
    '|---|---:|---|',
    ...f.steps.map((s) => `| ${s.name} | ${fixed(s.invocations)} | ${s.via} |`),
    '',
    `Events a vote puts on the bus: ${Object.entries(f.eventsByType)
      .map(([type, n]) => `${type} ${fixed(n)}`)
      .join(', ')}; PutEvents calls ${fixed(f.putEventsCalls)}`,
    '',
    `| per million votes (${region} list prices) | requests | USD |`,
    '|---|---:|---:|',
    ...costs.lines.map(
      (l) => `| ${l.item} | ${Math.round(l.perMillionVotes).toLocaleString('en')} | ${l.usd.toFixed(2)} |`,
    ),
    `| **total** | **${Math.round(costs.totalRequests).toLocaleString('en')}** | **${costs.totalUsd.toFixed(2)}** |`,
  ];
  return out.join('\n');
}
