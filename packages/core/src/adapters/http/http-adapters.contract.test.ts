import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ExternalApisServer, startExternalApisServer } from '../../testing/external-apis-server';
import { type ApiKeySource, ExternalApiError, type ExternalApiOptions, staticApiKey } from './external-api';
import { HttpBiometrics } from './http-biometrics';
import { HttpVoterRegistry } from './http-voter-registry';

const alice = {
  voterId: 'IN-0001',
  name: 'Alice Example',
  photoRef: 'photos/IN-0001.jpg',
  constituencyId: 'c-12',
  boothId: 'b-7',
  eligible: true,
};
const bob = { voterId: 'IN/0002 b', name: 'Bob', photoRef: 'p/2', constituencyId: 'c-3', eligible: false };

let server: ExternalApisServer;
/** Delays the clients asked to wait; the fake clock moves by them, so no test waits for real. */
let waits: number[];
let clock: number;

beforeAll(async () => {
  server = await startExternalApisServer({ apiKey: 'k-123' });
  server.register([alice, bob]);
});
afterAll(async () => server.close());
beforeEach(() => {
  server.reset();
  waits = [];
  clock = 0;
});

function options(overrides: Partial<ExternalApiOptions> = {}): ExternalApiOptions {
  return {
    baseUrl: server.url,
    apiKey: staticApiKey('k-123'),
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    ...overrides,
  };
}

const registry = (overrides?: Partial<ExternalApiOptions>) => new HttpVoterRegistry(options(overrides));
const biometrics = (overrides?: Partial<ExternalApiOptions>) => new HttpBiometrics(options(overrides));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e as ExternalApiError,
  );
const bytes = (text: string) => new TextEncoder().encode(text);

describe('the voter registry over HTTP', () => {
  it('finds a registered voter with the bearer key', async () => {
    expect(await registry().find('IN-0001')).toEqual(alice);
    expect(server.requests).toMatchObject([
      { method: 'GET', path: '/v1/voters/IN-0001', authorization: 'Bearer k-123' },
    ]);
  });

  it('encodes the voter id into the path and leaves out a booth the registry does not name', async () => {
    const found = await registry().find('IN/0002 b');
    expect(found).toEqual(bob);
    expect(found).not.toHaveProperty('boothId');
    expect(server.requests[0]?.path).toBe('/v1/voters/IN%2F0002%20b');
  });

  it('answers undefined for a voter the registry does not know, in one request', async () => {
    expect(await registry().find('IN-9999')).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a 404 that is not the voter-not-found problem, so a wrong base URL is not "unknown voter"', async () => {
    const error = await failure(registry({ baseUrl: `${server.url}/wrong-prefix` }).find('IN-0001'));
    expect(error).toBeInstanceOf(ExternalApiError);
    expect(error.message).toMatch(/^voter registry API: GET \/v1\/voters\/\{voterId\} answered 404 without/);
    expect(error.failure).toBe('malformed');
  });

  it('does not retry a 4xx, and names the API, the call and the status', async () => {
    server.script({ status: 400 });
    const error = await failure(registry().find('IN-0001'));
    expect(error.status).toBe(400);
    expect(error.failure).toBe('status');
    expect(error.message).toBe(
      'voter registry API: GET /v1/voters/{voterId} answered 400 (A scripted answer)',
    );
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('never puts the voter id in its errors', async () => {
    server.script({ status: 503 }, { status: 503 }, { status: 503 });
    const error = await failure(registry().find('IN-0001'));
    expect(error.message).not.toContain('IN-0001');
  });

  it('retries a 5xx with backoff and jitter, then succeeds', async () => {
    server.script({ status: 503 }, { status: 502 });
    expect(await registry().find('IN-0001')).toEqual(alice);
    expect(server.requests).toHaveLength(3);
    // Full jitter with random() = 0.5: half of 100 ms, then half of 200 ms.
    expect(waits).toEqual([50, 100]);
  });

  it('gives up after its attempts, saying how many it made', async () => {
    server.script({ status: 500 }, { status: 500 }, { status: 503 }, { status: 500 });
    const error = await failure(registry().find('IN-0001'));
    expect(error.message).toBe(
      'voter registry API: GET /v1/voters/{voterId} answered 503 (A scripted answer) after 3 attempts',
    );
    expect(error.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
  });

  it('honours Retry-After on a 429, in seconds and as an HTTP date', async () => {
    server.script({ status: 429, retryAfter: '2' });
    expect(await registry().find('IN-0001')).toEqual(alice);
    expect(waits).toEqual([2000]);

    waits = [];
    const patient = new HttpVoterRegistry({ ...options(), timings: { budgetMs: 60_000 } });
    const at = new Date(Date.now() + 20_000).toUTCString();
    server.script({ status: 503, retryAfter: at });
    expect(await patient.find('IN-0001')).toEqual(alice);
    expect(waits).toHaveLength(1);
    // An HTTP date has a resolution of one second; the margin is for a slow machine.
    expect(waits[0]).toBeGreaterThan(10_000);
    expect(waits[0]).toBeLessThanOrEqual(20_000);
  });

  it('falls back to its own backoff when Retry-After is unreadable', async () => {
    server.script({ status: 503, retryAfter: 'soon' });
    expect(await registry().find('IN-0001')).toEqual(alice);
    expect(waits).toEqual([50]);
  });

  it('refuses an answer larger than any the contract allows, without retrying', async () => {
    server.script({ raw: JSON.stringify({ ...alice, name: 'x'.repeat(300 * 1024) }) });
    const error = await failure(registry().find('IN-0001'));
    expect(error.failure).toBe('malformed');
    expect(error.message).toMatch(/answered 200 with a body over 262144 bytes$/);
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once when Retry-After asks for longer than the call may take', async () => {
    server.script({ status: 429, retryAfter: '60' });
    const error = await failure(registry().find('IN-0001'));
    expect(error.failure).toBe('retry-after-too-long');
    expect(error.message).toMatch(/answered 429 .*retried after 60000 ms, beyond the 4000 ms/);
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('stops retrying when the backoff would outlast the call budget', async () => {
    const slow = new HttpVoterRegistry({
      ...options({ retry: { attempts: 5, baseDelayMs: 3000, maxDelayMs: 3000 } }),
      timings: { budgetMs: 1000 },
    });
    server.script({ status: 503 }, { status: 503 });
    const error = await failure(slow.find('IN-0001'));
    // random() = 0.5 draws 1500 ms of backoff, more than the 1000 ms the call may take.
    expect(error.message).toMatch(/answered 503 .*; the call's 1000 ms are spent$/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out an attempt that gets no answer, retries it, and reports the timeout', async () => {
    server.script({ hang: true }, { hang: true });
    const quick = new HttpVoterRegistry({
      ...options({ retry: { attempts: 2 } }),
      timings: { timeoutMs: 50, budgetMs: 10_000 },
    });
    const error = await failure(quick.find('IN-0001'));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe(
      'voter registry API: GET /v1/voters/{voterId} got no answer within 50 ms after 2 attempts',
    );
    expect(server.requests).toHaveLength(2);
  });

  it('retries after a timeout and then succeeds', async () => {
    server.script({ hang: true });
    // Long enough that the answered attempt never times out on a busy machine.
    const quick = new HttpVoterRegistry({ ...options(), timings: { timeoutMs: 1000, budgetMs: 10_000 } });
    expect(await quick.find('IN-0001')).toEqual(alice);
    expect(server.requests).toHaveLength(2);
  });

  it('retries a refused connection, then reports it as a network failure', async () => {
    const closed = await startExternalApisServer();
    const url = closed.url;
    await closed.close();
    const error = await failure(registry({ baseUrl: url }).find('IN-0001'));
    expect(error.failure).toBe('network');
    expect(error.message).toMatch(/could not be reached \(ECONNREFUSED\) after 3 attempts$/);
    expect(waits).toHaveLength(2);
  });

  it('refuses a body that is not JSON, without retrying', async () => {
    server.script({ raw: '<html>oops</html>' });
    const error = await failure(registry().find('IN-0001'));
    expect(error.failure).toBe('malformed');
    expect(error.message).toBe(
      'voter registry API: GET /v1/voters/{voterId} answered 200 with a body that is not JSON',
    );
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a body that breaks the contract, naming the fields but not their values', async () => {
    server.script({ raw: JSON.stringify({ ...alice, eligible: 'yes', constituencyId: undefined }) });
    const error = await failure(registry().find('IN-0001'));
    expect(error.failure).toBe('malformed');
    expect(error.message).toMatch(
      /answered 200 with a body that breaks the contract \(.*constituencyId: .*eligible: /,
    );
    expect(error.message).not.toContain('yes');
    expect(error.message).not.toContain('Alice');
  });

  it('counts the attempts made before a malformed answer', async () => {
    server.script({ status: 503 }, { raw: '{}' });
    const error = await failure(registry().find('IN-0001'));
    expect(error.failure).toBe('malformed');
    expect(error.attempts).toBe(2);
  });

  it('refuses an answer about another voter', async () => {
    server.script({ raw: JSON.stringify({ ...alice, voterId: 'IN-0003' }) });
    await expect(registry().find('IN-0001')).rejects.toThrow(/another voter than the one asked for/);
  });

  it('refuses a 401 at once and drops the cached key so the next call reads the secret again', async () => {
    let dropped = 0;
    const key: ApiKeySource = { current: async () => 'wrong-key', rejected: () => dropped++ };
    const error = await failure(registry({ apiKey: key }).find('IN-0001'));
    expect(error.status).toBe(401);
    expect(error.message).toBe(
      'voter registry API: GET /v1/voters/{voterId} answered 401 (A valid bearer API key is required)',
    );
    expect(dropped).toBe(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe('the biometric API over HTTP', () => {
  it('enrols fingers and matches a sample against each of them', async () => {
    const api = biometrics();
    await api.enrol('vk-a', [bytes('left thumb'), bytes('right thumb')]);
    expect(server.enrolmentOf('vk-a')).toHaveLength(2);
    expect(await api.match('vk-a', bytes('right thumb'))).toBe('match');
    expect(await api.match('vk-a', bytes('someone else'))).toBe('mismatch');
    expect(await api.match('vk-nobody', bytes('right thumb'))).toBe('not-enrolled');
  });

  it('replaces an enrolment, and takes a single sample as one finger', async () => {
    const api = biometrics();
    await api.enrol('vk-b', [bytes('one'), bytes('two')]);
    await api.enrol('vk-b', bytes('three'));
    expect(await api.match('vk-b', bytes('one'))).toBe('mismatch');
    expect(await api.match('vk-b', bytes('three'))).toBe('match');
  });

  it('refuses to enrol no samples without calling the API', async () => {
    await expect(biometrics().enrol('vk-c', [])).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('sends one idempotency key on every attempt of an enrolment, and a new one per enrolment', async () => {
    server.script({ status: 500 }, { status: 503 });
    const api = biometrics();
    await api.enrol('vk-d', bytes('thumb'));
    await api.enrol('vk-d', bytes('thumb'));
    const keys = server.requests.map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(4);
    expect(new Set(keys.slice(0, 3)).size).toBe(1);
    expect(keys[3]).not.toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('applies an enrolment retried after a lost answer once, replaying the first answer', async () => {
    // The first attempt is applied but its answer is lost (a timeout on our side): the retry,
    // under the same key, is answered from the server's record rather than applied again.
    let n = 0;
    const api = new HttpBiometrics({ ...options(), newIdempotencyKey: () => `key-${n++}` });
    await api.enrol('vk-e', bytes('first'));
    const again = new HttpBiometrics({ ...options(), newIdempotencyKey: () => 'key-0' });
    await again.enrol('vk-e', bytes('first'));
    expect(server.answers.at(-1)?.headers['idempotent-replayed']).toBe('true');
    // The same key with another body is refused, and a 4xx is not retried.
    const error = await failure(again.enrol('vk-e', bytes('other')));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/^biometric API: PUT \/v1\/enrolments\/\{voterKey\} answered 422/);
  });

  for (const status of [400, 403, 404, 409, 422]) {
    it(`does not retry an enrolment answered ${status}`, async () => {
      server.script({ status }, { status: 200 });
      const error = await failure(biometrics().enrol('vk-h', bytes('thumb')));
      expect(error.status).toBe(status);
      expect(server.requests).toHaveLength(1);
    });
  }

  it('retries a match on 429 honouring Retry-After, then answers', async () => {
    const api = biometrics();
    await api.enrol('vk-f', bytes('thumb'));
    server.script({ status: 429, retryAfter: '1' });
    expect(await api.match('vk-f', bytes('thumb'))).toBe('match');
    expect(waits).toEqual([1000]);
  });

  it('refuses a match verdict outside the contract', async () => {
    server.script({ raw: JSON.stringify({ result: 'probably' }) });
    const error = await failure(biometrics().match('vk-f', bytes('thumb')));
    expect(error.failure).toBe('malformed');
    expect(error.message).toMatch(
      /^biometric API: POST \/v1\/enrolments\/\{voterKey\}\/match answered 200 with a body that breaks the contract \(result: /,
    );
  });

  it('refuses an enrolment answer for another voter key', async () => {
    server.script({ raw: JSON.stringify({ voterKey: 'vk-other', fingers: 1 }) });
    await expect(biometrics().enrol('vk-g', bytes('thumb'))).rejects.toThrow(/another voter key/);
  });

  it('times out a match that gets no answer', async () => {
    server.script({ hang: true });
    const api = new HttpBiometrics({
      ...options({ retry: { attempts: 1 } }),
      timings: { match: { timeoutMs: 50, budgetMs: 5000 } },
    });
    const error = await failure(api.match('vk-f', bytes('thumb')));
    expect(error.failure).toBe('timeout');
    expect(error.message).toBe(
      'biometric API: POST /v1/enrolments/{voterKey}/match got no answer within 50 ms',
    );
  });
});
