import { randomBytes } from 'node:crypto';
import { topicFilter } from '@ballotstream/events';
import { type Trigger, triggers } from '@ballotstream/functions/triggers';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Ballot,
  choiceOf,
  type Drill,
  publishAs,
  signVote,
  startDrill,
  verify,
} from './evidence-harness';

const PER_ENTRY = 1000;
const SEED = 20261127;

const httpRoutes = (triggers as readonly Trigger[]).filter((t) => t.kind === 'http');
const topicRules = (triggers as readonly Trigger[]).filter((t) => t.kind === 'topic-rule');

// Bodies a hostile or broken client sends: any JSON, wrong types, bytes that are not UTF-8,
// near-valid requests with forged tickets, and (rarely, they are slow) bodies over the limit.
const forgedTicket = fc
  .tuple(fc.base64String({ maxLength: 200 }), fc.base64String({ minLength: 80, maxLength: 90 }))
  .map(([body, sig]) => `BT1.k1.${body.replace(/[+/=]/g, 'A')}.${sig.replace(/[+/=]/g, 'B')}`);
const bodyArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 300 }) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          ticket: fc.oneof(forgedTicket, fc.string(), fc.integer()),
          fingerprint: fc.oneof(fc.base64String(), fc.string(), fc.constant(null)),
          boothId: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('booth-1-1-1'), fc.integer()),
          machineId: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('m-1-1-1')),
          name: fc.string(),
          role: fc.string(),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constant('__oversized__') },
);
const segmentArbitrary = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constant('..'),
  fc.constant('%00'),
  fc.uuid(),
);

function bodyOf(value: string | Buffer): string | Buffer {
  return value === '__oversized__' ? 'x'.repeat(1_100_000) : value;
}

function concretePath(path: string, segments: readonly string[]): string {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(segments[i++ % segments.length] || 'x'));
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
}

describe('a thousand malformed, oversized or forged inputs on every public entry', () => {
  let drill: Drill;
  let ballot: Ballot;
  // A voter verified at the other machine, whose topics the flood never touched (an SOS flood may
  // rightly get the flooded machine blocked).
  let bystander: Ballot;
  beforeAll(async () => {
    drill = await startDrill(
      {},
      {
        regions: 1,
        constituenciesPerRegion: 1,
        candidatesPerConstituency: 2,
        boothsPerConstituency: 2,
        voters: 4,
      },
    );
    ballot = (await verify(drill, 0, 1)).granted[0]!;
    bystander = (await verify(drill, 1, 2)).granted[0]!;
    expect(bystander.machine.machineId).not.toBe(ballot.machine.machineId);
  });
  afterAll(() => drill?.stop());

  it.each(httpRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    'answers every bad request to %s with a refusal and a reason, never a crash',
    async (_name, route) => {
      const cases = fc.sample(
        fc.tuple(
          bodyArbitrary,
          fc.array(segmentArbitrary, { minLength: 1, maxLength: 3 }),
          fc.string({ maxLength: 60 }),
        ),
        {
          numRuns: PER_ENTRY,
          seed: SEED,
        },
      );
      const statuses = new Map<number, number>();
      const unexplained: string[] = [];
      await pool(cases, 16, async ([body, segments, query]) => {
        const url = `${drill.runtime.httpUrl}${concretePath(route.path, segments)}?${encodeURIComponent(query)}=${encodeURIComponent(query)}`;
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const response = await fetch(url, {
          method: route.method,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${randomBytes(12).toString('base64url')}`,
          },
          ...(hasBody ? { body: bodyOf(body) } : {}),
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) unexplained.push(`${response.status} ${text.slice(0, 200)}`);
        else if (response.status >= 400) {
          let reason: unknown;
          try {
            const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
            reason = parsed.error ?? parsed.message;
          } catch {
            reason = undefined;
          }
          if (typeof reason !== 'string' || reason === '')
            unexplained.push(`${response.status} without a reason: ${text.slice(0, 200)}`);
        }
      });
      expect(unexplained.slice(0, 5)).toEqual([]);
      expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(PER_ENTRY);
      expect((await fetch(`${drill.runtime.httpUrl}/health`)).status).toBe(200);
    },
  );

  it.each(topicRules.map((r) => [r.name, r] as const))(
    'refuses every bad message the %s rule receives with a counted reason, and the broker lives on',
    async (_name, rule) => {
      const { runtime, election } = drill;
      const machine = ballot.machine;
      const stage = runtime.deps.config.stage;
      const valid = signVote(election, ballot, choiceOf(election, ballot), runtime.deps.config.bucketMs);
      // Near-valid votes: one field changed after signing (forged), the token replayed on another
      // machine's topic, or the whole vote signed by a key the machine does not hold.
      const tampered = fc
        .tuple(
          fc.constantFrom('candidateId', 'bucketStart', 'ballotToken', 'voteId', 'signature', 'machineId'),
          fc.string({ minLength: 1, maxLength: 40 }),
        )
        .map(([field, value]) =>
          JSON.stringify({ ...valid, [field]: field === 'bucketStart' ? Number(value.length) : value }),
        );
      const payloads = fc.sample(
        fc.oneof(
          { weight: 3, arbitrary: tampered },
          { weight: 3, arbitrary: fc.json({ maxDepth: 3 }) },
          { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
          {
            weight: 1,
            arbitrary: fc
              .integer({ min: 9_000, max: 60_000 })
              .map((n) => JSON.stringify({ ...valid, receipt: 'r'.repeat(n) })),
          },
        ),
        { numRuns: PER_ENTRY, seed: SEED },
      );
      const filter = topicFilter(stage, rule.topic);
      const topic = filter.replace(/\+/g, machine.machineId);
      const before = new Set(runtime.broker.ruleFailures());
      const countedBefore = await rejectionTotal(runtime.httpUrl);
      const acceptedBefore = drill.accepted.length;
      const client = await mqtt.connectAsync(runtime.mqttUrl, { clientId: machine.machineId });
      try {
        await pool(payloads, 16, async (payload) => {
          await client.publishAsync(topic, payload, { qos: 1 });
        });
      } finally {
        await client.endAsync();
      }
      await runtime.bus.drain();
      expect(runtime.broker.ruleFailures().filter((f) => !before.has(f))).toEqual([]);
      expect(runtime.bus.deadLetters()).toEqual([]);
      if (rule.name === 'ingestVote') {
        expect(drill.accepted.length).toBe(acceptedBefore);
        expect(await rejectionTotal(runtime.httpUrl)).toBeGreaterThanOrEqual(countedBefore + PER_ENTRY);
        // After the flood, one valid vote (delivered twice) still counts exactly once.
        const vote = signVote(
          election,
          bystander,
          choiceOf(election, bystander),
          runtime.deps.config.bucketMs,
        );
        await publishAs(
          runtime.mqttUrl,
          stage,
          [vote, vote].map((v) => ({ machineId: v.machineId, payload: JSON.stringify(v) })),
          1,
        );
        await runtime.bus.drain();
        expect(drill.rejected.filter((r) => r.voteId === vote.voteId)).toEqual([]);
        expect(drill.accepted).toContain(vote.voteId);
        const stored = await runtime.deps.voteStores.primary.tally(election.electionId, 0, 8.64e15);
        expect(stored.reduce((sum, r) => sum + r.votes, 0)).toBe(1);
      }
      expect((await fetch(`${runtime.httpUrl}/health`)).status).toBe(200);
    },
  );
});

async function rejectionTotal(httpUrl: string): Promise<number> {
  const body = (await (await fetch(`${httpUrl}/health`)).json()) as { rejections?: Record<string, number> };
  return Object.values(body.rejections ?? {}).reduce((a, b) => a + b, 0);
}
