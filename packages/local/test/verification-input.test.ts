import { mintTicket, recordKeys } from '@ballotstream/core';
import { MemoryTicketKeys } from '@ballotstream/core/adapters/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../src/runtime/runtime';
import {
  bearerFor,
  type LoadVoter,
  prepareVerificationLoad,
  type VerificationLoad,
} from '../src/testing/verification-load';

let runtime: Runtime;
let load: VerificationLoad;
let booth: Record<string, string>;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false, mqttTls: false } as Parameters<typeof startRuntime>[0]);
  load = await prepareVerificationLoad(runtime.deps, { voters: 6, booths: 2 });
  booth = bearerFor(runtime, 'booth');
});

afterAll(async () => {
  await runtime?.stop();
});

async function send(body: string | Record<string, unknown>, path = '/verifications') {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...booth },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function validBody(voter: LoadVoter): Record<string, unknown> {
  const machine = load.machines[0]!;
  return {
    ticket: voter.ticket,
    fingerprint: voter.fingerprint,
    boothId: machine.boothId,
    machineId: machine.machineId,
  };
}

/** A small seeded generator, so a failing body can be reproduced from its index. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = ['ticket', 'fingerprint', 'boothId', 'machineId'] as const;

interface BadBody {
  readonly kind: string;
  readonly body: string;
  /** A word the answer must contain, naming what was wrong. */
  readonly names: string;
}

/** Generates malformed bodies of every kind: bad JSON, wrong types, missing fields, huge strings, bad base64. */
function malformedBodies(count: number, valid: Record<string, unknown>): BadBody[] {
  const random = prng(20261127);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const text = JSON.stringify(valid);
  const wrongValues = [0, 42.5, -1, true, false, null, [], ['x'], {}, { a: 1 }];
  const makers: (() => BadBody)[] = [
    () => ({
      kind: 'truncated JSON',
      body: text.slice(0, 1 + Math.floor(random() * (text.length - 2))),
      names: 'JSON',
    }),
    () => ({
      kind: 'not JSON',
      body: pick(['', 'hello', '{ticket:1}', "{'a':1}", '{"a":', '[1,', 'NaN', '\u0000\u0001']),
      names: 'JSON',
    }),
    () => ({
      kind: 'not an object',
      body: JSON.stringify(pick([1, 'text', null, [1, 2], true])),
      names: '(body)',
    }),
    () => {
      const field = pick(FIELDS);
      const { [field]: _, ...rest } = valid;
      return { kind: `missing ${field}`, body: JSON.stringify(rest), names: field };
    },
    () => {
      const field = pick(FIELDS);
      return {
        kind: `wrong type of ${field}`,
        body: JSON.stringify({ ...valid, [field]: pick(wrongValues) }),
        names: field,
      };
    },
    () => {
      const field = pick(FIELDS);
      const size = pick([65, 1025, 8193, 20_000, 60_000]);
      return {
        kind: `huge ${field}`,
        body: JSON.stringify({ ...valid, [field]: 'A'.repeat(size) }),
        names: field,
      };
    },
    () => ({
      kind: 'body over the size limit',
      body: JSON.stringify({ ...valid, pad: 'x'.repeat(70_000) }),
      names: 'larger',
    }),
    () => {
      const bad = pick(['ab+cd', 'ab/cd', 'abcd==', 'ab cd', 'äöü', '@@@', 'AB', 'AAE', '']);
      return {
        kind: 'invalid base64',
        body: JSON.stringify({ ...valid, fingerprint: bad }),
        names: 'fingerprint',
      };
    },
    () => {
      const field = pick(['boothId', 'machineId'] as const);
      const bad = pick(['has space', '../etc', '-lead', 'a/b', 'x#y', '']);
      return { kind: `bad id in ${field}`, body: JSON.stringify({ ...valid, [field]: bad }), names: field };
    },
    () => {
      const bad = pick([
        'not-a-ticket',
        'BT1.k1.only-three',
        'BT1...',
        'BT2.k1.a.b',
        'BT1.k1.!!.??',
        'x'.repeat(500),
      ]);
      return { kind: 'garbage ticket', body: JSON.stringify({ ...valid, ticket: bad }), names: 'ticket' };
    },
    () => ({
      kind: 'bad attemptId',
      body: JSON.stringify({
        ...valid,
        attemptId: pick(['short', 'x'.repeat(65), 'has spaces in it ok', 7]),
      }),
      names: 'attemptId',
    }),
  ];
  return Array.from({ length: count }, (_, i) => makers[i % makers.length]!());
}

describe('bad input to POST /verifications', () => {
  it('answers each of 1,000 malformed bodies with a 4xx naming the problem, and keeps serving', async () => {
    const voter = load.voters[0]!;
    const bodies = malformedBodies(1000, validBody(voter));
    const wrong: string[] = [];
    for (let i = 0; i < bodies.length; i += 50) {
      const answers = await Promise.all(bodies.slice(i, i + 50).map((b) => send(b.body)));
      answers.forEach((answer, j) => {
        const bad = bodies[i + j]!;
        const said = JSON.stringify(answer.body);
        if (answer.status < 400 || answer.status >= 500 || !said.includes(bad.names)) {
          wrong.push(`#${i + j} ${bad.kind}: ${answer.status} ${said.slice(0, 200)}`);
        }
      });
    }
    expect(wrong).toEqual([]);

    const health = await fetch(`${runtime.httpUrl}/health`);
    expect(health.status).toBe(200);
    const verified = await send(validBody(voter));
    expect(verified.status).toBe(201);
  });
});

/** Every string that differs from the ticket in exactly one bit of one character. */
function singleBitFlips(ticket: string): string[] {
  const flips: string[] = [];
  for (let i = 0; i < ticket.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      flips.push(
        ticket.slice(0, i) + String.fromCharCode(ticket.charCodeAt(i) ^ (1 << bit)) + ticket.slice(i + 1),
      );
    }
  }
  return flips;
}

describe('forged and unusable tickets at the booth', () => {
  it('refuses every single-bit flip of a valid ticket, and the genuine one still verifies after', async () => {
    const voter = load.voters[1]!;
    const flips = singleBitFlips(voter.ticket);
    const accepted: string[] = [];
    for (let i = 0; i < flips.length; i += 100) {
      const answers = await Promise.all(
        flips.slice(i, i + 100).map((ticket) => send({ ...validBody(voter), ticket })),
      );
      answers.forEach((answer, j) => {
        if (answer.status !== 400 && answer.status !== 403) accepted.push(`flip #${i + j}: ${answer.status}`);
      });
    }
    expect(accepted).toEqual([]);
    expect((await send(validBody(voter))).status).toBe(201);
  });

  it('refuses a ticket signed by an unknown key as forged', async () => {
    const voter = load.voters[2]!;
    const claims = {
      ticketId: voter.ticketId,
      electionId: runtime.deps.config.electionId,
      voterKey: 'x',
      issuedAt: 1,
      expiresAt: Date.now() + 1e9,
    };
    const ticket = await mintTicket(new MemoryTicketKeys(runtime.deps.ticketKeys.currentKeyId), claims);
    expect(await send({ ...validBody(voter), ticket })).toMatchObject({
      status: 403,
      body: { error: 'forged' },
    });
  });

  it('refuses an expired ticket and one of another election', async () => {
    const voter = load.voters[3]!;
    const { deps } = runtime;
    const voterKey = deps.pseudonyms.voterKey(voter.voterId);
    const make = async (ticketId: string, electionId: string, expiresAt: number) => {
      const claims = { ticketId, electionId, voterKey, issuedAt: 1, expiresAt };
      await deps.records.put('tickets', { ...recordKeys.ticket(ticketId), ...claims, status: 'issued' });
      return mintTicket(deps.ticketKeys, claims);
    };
    const expired = await make('t-expired', deps.config.electionId, Date.now() - 1000);
    expect(await send({ ...validBody(voter), ticket: expired })).toMatchObject({
      status: 410,
      body: { error: 'expired' },
    });
    const other = await make('t-other', 'some-other-election', Date.now() + 1e9);
    expect(await send({ ...validBody(voter), ticket: other })).toMatchObject({
      status: 403,
      body: { error: 'wrong-election' },
    });
  });

  it('refuses a revoked ticket', async () => {
    const voter = load.voters[4]!;
    const revoked = await fetch(`${runtime.httpUrl}/tickets/${voter.ticketId}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearerFor(runtime, 'clerk') },
      body: JSON.stringify({ reason: 'card reported stolen' }),
    });
    expect(revoked.status).toBe(200);
    expect(await send(validBody(voter))).toMatchObject({ status: 410, body: { error: 'revoked' } });
  });

  it('refuses a wrong finger with its own reason', async () => {
    const voter = load.voters[5]!;
    const finger = Buffer.from('someone else').toString('base64url');
    expect(await send({ ...validBody(voter), fingerprint: finger })).toMatchObject({
      status: 401,
      body: { error: 'biometric-mismatch' },
    });
  });
});
