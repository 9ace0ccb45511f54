import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordKeys } from '../../domain/shared/keys';
import { type IssueCentreDeps, issueTicket } from '../../domain/verification/issue-ticket';
import { type ExternalApisServer, startExternalApisServer } from '../../testing/external-apis-server';
import { HmacVoterPseudonyms, MemoryTicketKeys } from '../local/file-ticket-keys';
import { MemoryRecordStore } from '../local/memory-record-store';
import { ExternalApiError, staticApiKey } from './external-api';
import { HttpBiometrics } from './http-biometrics';
import { HttpVoterRegistry } from './http-voter-registry';

let server: ExternalApisServer;
let deps: IssueCentreDeps;
let records: MemoryRecordStore;
const noWait = { sleep: async () => undefined, retry: { attempts: 2 } };

beforeAll(async () => {
  server = await startExternalApisServer({ apiKey: 'k' });
  server.register([
    { voterId: 'IN-0001', name: 'Asha Rao', photoRef: 'photos/1.jpg', constituencyId: 'c-1', eligible: true },
  ]);
});
afterAll(async () => server.close());
beforeEach(() => {
  server.reset();
  records = new MemoryRecordStore();
  const http = { baseUrl: server.url, apiKey: staticApiKey('k'), ...noWait };
  deps = {
    keys: new MemoryTicketKeys('k1'),
    pseudonyms: new HmacVoterPseudonyms(Buffer.alloc(32, 7)),
    registry: new HttpVoterRegistry(http),
    biometrics: new HttpBiometrics(http),
    records,
    clock: { now: () => Date.UTC(2026, 10, 1) },
    electionId: 'general-2026',
    ticketTtlMs: 86_400_000,
  };
});

describe('the issue centre over the HTTP adapters', () => {
  it('looks the voter up, issues the ticket and enrols the fingers under the voter key alone', async () => {
    const result = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [Buffer.from('thumb')] });
    if (!result.ok) throw new Error(result.error);
    expect(result.value.photoRef).toBe('photos/1.jpg');
    const voterKey = deps.pseudonyms.voterKey('IN-0001');
    expect(server.enrolmentOf(voterKey)).toEqual([Buffer.from('thumb').toString('base64url')]);
    expect(await deps.biometrics.match(voterKey, Buffer.from('thumb'))).toBe('match');
    // The biometric API never sees the voter id.
    const toBiometrics = server.requests.filter((r) => r.route.startsWith('/v1/enrolments'));
    expect(JSON.stringify(toBiometrics)).not.toContain('IN-0001');
  });

  it('refuses someone the registry does not know', async () => {
    expect(await issueTicket(deps, { voterId: 'IN-9999', fingerprints: [Buffer.from('x')] })).toEqual({
      ok: false,
      error: 'not-registered',
    });
  });

  it('records nothing when the registry is down, and fails naming it', async () => {
    server.script({ status: 503 }, { status: 503 });
    const error = await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [Buffer.from('x')] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExternalApiError);
    expect(String(error)).toMatch(/voter registry API: GET \/v1\/voters\/\{voterId\} answered 503/);
    const voterKey = deps.pseudonyms.voterKey('IN-0001');
    expect(await records.get('voters', recordKeys.voterTicket(voterKey, 'general-2026'))).toBeUndefined();
    // The same clerk's next try, once the registry is back, issues the ticket.
    expect((await issueTicket(deps, { voterId: 'IN-0001', fingerprints: [Buffer.from('x')] })).ok).toBe(true);
  });
});
