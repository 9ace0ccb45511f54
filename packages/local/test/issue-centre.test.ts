import { offlineTicketKeys, readTicket } from '@ballotstream/core';
import { SeededVoterRegistry } from '@ballotstream/core/adapters/local';
import type { TicketPublicKey } from '@ballotstream/core/ports';
import type { EventBridgeEnvelope } from '@ballotstream/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoElection } from '../src/demo/seed';
import { type Runtime, startRuntime } from '../src/runtime/runtime';
import { bearerFor } from '../src/testing/verification-load';

let runtime: Runtime;
const seen: EventBridgeEnvelope[] = [];
const finger = (text: string) => Buffer.from(`finger:${text}`).toString('base64url');

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  runtime = await startRuntime({ runSchedules: false, mqttTls: false } as Parameters<typeof startRuntime>[0]);
  runtime.bus.listen((e) => seen.push(e));
  await new SeededVoterRegistry(runtime.deps.records).register([
    {
      voterId: 'IN-100',
      name: 'Meera Iyer',
      photoRef: 'photos/IN-100.jpg',
      constituencyId: 'c-1-1',
      eligible: true,
    },
    {
      voterId: 'IN-101',
      name: 'Ravi Das',
      photoRef: 'photos/IN-101.jpg',
      constituencyId: 'c-1-1',
      eligible: true,
    },
    {
      voterId: 'IN-102',
      name: 'Lata Sen',
      photoRef: 'photos/IN-102.jpg',
      constituencyId: 'c-1-1',
      eligible: true,
    },
  ]);
  await seedDemoElection(runtime.deps, {
    regions: 1,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 2,
    boothsPerConstituency: 1,
    voters: 0,
  });
});

afterAll(async () => {
  await runtime?.stop();
});

async function call(method: string, path: string, body?: unknown, role = 'clerk') {
  const response = await fetch(`${runtime.httpUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...bearerFor(runtime, role) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the issue centre over HTTP', () => {
  it('issues a ticket, publishes ticket.issued without the voter id, and the booth accepts it', async () => {
    const issued = await call('POST', '/tickets', {
      voterId: 'IN-100',
      fingerprints: [finger('l'), finger('r')],
    });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      photoRef: 'photos/IN-100.jpg',
      ticket: expect.stringMatching(/^BT1\./),
    });
    const event = seen.find((e) => e['detail-type'] === 'ticket.issued');
    expect(event?.detail).toMatchObject({ ticketId: issued.body.ticketId });
    expect(JSON.stringify(event)).not.toContain('IN-100');

    const ticketId = String(issued.body.ticketId);
    expect(await call('GET', `/tickets/${ticketId}/status`, undefined, 'public')).toEqual({
      status: 200,
      body: { ticketId, status: 'valid' },
    });

    const before = seen.length;
    const verified = await call(
      'POST',
      '/verifications',
      { ticket: issued.body.ticket, fingerprint: finger('r'), boothId: 'booth-1-1-1', machineId: 'm-1-1-1' },
      'booth',
    );
    expect(verified.status).toBe(201);
    // A grant is put on no bus, and nothing the verification put there names the voter.
    expect(seen.filter((e) => e['detail-type'] === 'voter.verified')).toEqual([]);
    expect(JSON.stringify(seen.slice(before))).not.toMatch(/IN-100|voterKey/);
    expect(await call('GET', `/tickets/${ticketId}/status`, undefined, 'public')).toMatchObject({
      body: { status: 'used' },
    });
  });

  it('refuses a second issue, then reissues: the old ticket is revoked and refused at the booth', async () => {
    const first = await call('POST', '/tickets', { voterId: 'IN-101', fingerprints: [finger('x')] });
    expect(first.status).toBe(201);
    expect(await call('POST', '/tickets', { voterId: 'IN-101', fingerprints: [finger('x')] })).toMatchObject({
      status: 409,
      body: { error: 'already-issued', message: expect.stringContaining('voterId') },
    });
    const second = await call('POST', `/tickets/${first.body.ticketId}/reissue`, { reason: 'lost card' });
    expect(second).toMatchObject({ status: 201, body: { replaces: first.body.ticketId } });
    expect(seen.some((e) => e['detail-type'] === 'ticket.revoked')).toBe(true);
    expect(await call('GET', `/tickets/${first.body.ticketId}/status`, undefined, 'public')).toMatchObject({
      body: { status: 'revoked' },
    });
    const booth = { fingerprint: finger('x'), boothId: 'booth-1-1-1', machineId: 'm-1-1-1' };
    expect(
      await call('POST', '/verifications', { ...booth, ticket: first.body.ticket }, 'booth'),
    ).toMatchObject({
      status: 410,
      body: { error: 'revoked' },
    });
    expect(
      (await call('POST', '/verifications', { ...booth, ticket: second.body.ticket }, 'booth')).status,
    ).toBe(201);
  });

  it('serves the public ticket keys, with which a booth verifies tickets offline', async () => {
    const issued = await call('POST', '/tickets', { voterId: 'IN-102', fingerprints: [finger('y')] });
    expect(issued.status).toBe(201);
    const served = await call('GET', '/ticket-keys', undefined, 'public');
    expect(served.status).toBe(200);
    const offline = offlineTicketKeys(served.body.keys as TicketPublicKey[]);
    const ticket = String(issued.body.ticket);
    expect(readTicket(offline, ticket).ok).toBe(true);
    const flipped = `${ticket.slice(0, -3)}${ticket.at(-3) === 'A' ? 'B' : 'A'}${ticket.slice(-2)}`;
    expect(readTicket(offline, flipped).ok).toBe(false);
  });

  it('names the problem with people the registry does not hold and tickets that do not exist', async () => {
    expect(await call('POST', '/tickets', { voterId: 'IN-999', fingerprints: [finger('x')] })).toMatchObject({
      status: 404,
      body: { error: 'not-registered', message: expect.stringContaining('voterId') },
    });
    expect(await call('POST', '/tickets', { voterId: 'IN-100', fingerprints: [] })).toMatchObject({
      status: 400,
      body: { problems: [expect.stringContaining('fingerprints')] },
    });
    expect(await call('POST', '/tickets/tNothing/revoke', { reason: 'x' })).toMatchObject({
      status: 404,
      body: { error: 'unknown-ticket' },
    });
    expect(await call('GET', '/tickets/bad%20id/status', undefined, 'public')).toMatchObject({
      status: 400,
      body: { where: 'path', problems: [expect.stringContaining('ticketId')] },
    });
  });
});
