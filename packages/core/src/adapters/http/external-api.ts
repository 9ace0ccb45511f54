import { describeIssues } from '@ballotstream/events';
import type { z } from 'zod';
import { DependencyError } from '../../errors';

/** Where a client gets the bearer API key of an external API; `rejected` drops a cached key after a 401. */
export interface ApiKeySource {
  current(): Promise<string>;
  rejected?(): void;
}

/** An API key known up front (tests, the local runtime). */
export function staticApiKey(key: string): ApiKeySource {
  return { current: async () => key };
}

/** How an external API call failed, for callers and logs. */
export type ExternalApiFailure =
  /** The API answered a status the call does not expect (a 4xx, or a 5xx/429 after the last attempt). */
  | 'status'
  /** No answer within the attempt's timeout. */
  | 'timeout'
  /** The connection failed (refused, reset, DNS). */
  | 'network'
  /** The API answered, but not as the contract says (not JSON, or failing the response schema). */
  | 'malformed'
  /** The API asked to be retried later than the call's time budget allows. */
  | 'retry-after-too-long';

/**
 * An external API (the voter registry, the biometric API) failed. The message names the API, the
 * call as its path template (never the voter id or key in it), the status and the attempts made.
 */
export class ExternalApiError extends DependencyError {
  constructor(
    readonly api: string,
    /** The call as `METHOD /path/{template}`. */
    readonly call: string,
    readonly failure: ExternalApiFailure,
    readonly detail: { readonly status?: number; readonly attempts: number; readonly reason: string },
    options?: { cause?: unknown },
  ) {
    super(api, `${call} ${detail.reason}`, options);
  }

  /** The HTTP status of the last answer, when there was one. */
  get status(): number | undefined {
    return this.detail.status;
  }

  get attempts(): number {
    return this.detail.attempts;
  }
}

/** Retry settings of an external API client: bounded attempts, exponential backoff with full jitter. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The backoff before retry n (1-based) is drawn from [0, min(maxDelayMs, baseDelayMs·2^(n−1))]. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** The settings every external API client takes. */
export interface ExternalApiOptions {
  /** The API's base URL, with or without a path prefix (`https://registry.example/api`). */
  readonly baseUrl: string;
  readonly apiKey: ApiKeySource;
  readonly retry?: Partial<RetryPolicy>;
  /** Waits between attempts; tests pass one that records the delays and returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds on a monotonic clock, for the call budget; tests move it with their `sleep`. */
  readonly now?: () => number;
  /** A number in [0, 1), for jitter. */
  readonly random?: () => number;
}

/** One call of an external API, as the client sends it. */
export interface ExternalCall {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** The path template, with `{name}` placeholders filled from `params` (each URI-encoded). */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Sent as `Idempotency-Key` on every attempt of this call, so a retried write applies once. */
  readonly idempotencyKey?: string;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** The whole call's budget, retries and waits included; no attempt starts that would end after it. */
  readonly budgetMs: number;
  /** Statuses that answer the call: their JSON bodies go back to the caller to parse. */
  readonly answers: readonly number[];
}

/** A status the call expects, and its body parsed as JSON. */
export interface ExternalAnswer {
  readonly status: number;
  readonly body: unknown;
  /** Attempts it took, for errors about the answer. */
  readonly attempts: number;
}

/** Retries unless told otherwise; the contracts in docs/ say the same (`x-client-attempts`). */
export const RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };
/** Answers larger than this are refused: none of the contract's bodies comes near it. */
const MAX_ANSWER_BYTES = 256 * 1024;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Attempt =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly text: string;
      readonly retryAfter: string | null;
    }
  | { readonly kind: 'too-large'; readonly status: number }
  | { readonly kind: 'timeout'; readonly cause: unknown }
  | { readonly kind: 'network'; readonly cause: unknown };

/**
 * Sends calls to one external API over HTTPS with Node's fetch: a bearer API key, a timeout per
 * attempt, and bounded retries with backoff and full jitter on 5xx, 429, timeouts and network
 * errors only (never on another 4xx), honouring `Retry-After` while it fits the call's budget.
 */
export class ExternalApi {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly base: string;

  constructor(
    /** The API's name in errors: `voter registry API`. */
    readonly name: string,
    private readonly options: ExternalApiOptions,
  ) {
    this.retry = { ...RETRY_POLICY, ...options.retry };
    if (!Number.isInteger(this.retry.attempts) || this.retry.attempts < 1) {
      throw new RangeError(`${name}: retry.attempts must be a positive integer`);
    }
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.base = new URL(options.baseUrl).href.replace(/\/+$/, '');
  }

  /** Sends the call, retrying what may be retried, and returns the first answer the call expects. */
  async send(call: ExternalCall): Promise<ExternalAnswer> {
    const name = callName(call);
    const url = this.base + fillPath(call.path, call.params);
    const started = this.now();
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = Math.max(1, Math.min(call.timeoutMs, call.budgetMs - (this.now() - started)));
      const attempted = await this.attempt(call, url, timeoutMs);
      const fail = (failure: ExternalApiFailure, reason: string, status?: number, cause?: unknown) =>
        new ExternalApiError(this.name, name, failure, { status, attempts: attempt, reason }, { cause });

      if (attempted.kind === 'too-large') {
        throw fail(
          'malformed',
          `answered ${attempted.status} with a body over ${MAX_ANSWER_BYTES} bytes`,
          attempted.status,
        );
      }
      if (attempted.kind === 'answer' && call.answers.includes(attempted.status)) {
        return {
          status: attempted.status,
          body: parseJson(attempted.text, fail, attempted.status),
          attempts: attempt,
        };
      }
      if (attempted.kind === 'answer' && !retryable(attempted.status)) {
        // A refused key may have been rotated: the next call reads the secret again.
        if (attempted.status === 401) this.options.apiKey.rejected?.();
        throw fail(
          'status',
          `answered ${describeStatus(attempted.status, attempted.text)}`,
          attempted.status,
        );
      }
      const failed = (reason: string): ExternalApiError => {
        switch (attempted.kind) {
          case 'answer':
            return fail(
              'status',
              `answered ${describeStatus(attempted.status, attempted.text)}${reason}`,
              attempted.status,
            );
          case 'timeout':
            return fail(
              'timeout',
              `got no answer within ${timeoutMs} ms${reason}`,
              undefined,
              attempted.cause,
            );
          case 'network':
            return fail(
              'network',
              `could not be reached (${causeText(attempted.cause)})${reason}`,
              undefined,
              attempted.cause,
            );
        }
      };
      const after = attemptsText(attempt);
      if (attempt >= this.retry.attempts) throw failed(after);

      const asked = attempted.kind === 'answer' ? retryAfterMs(attempted.retryAfter, Date.now()) : undefined;
      const remaining = call.budgetMs - (this.now() - started);
      if (asked !== undefined && asked >= remaining) {
        throw new ExternalApiError(this.name, name, 'retry-after-too-long', {
          status: attempted.kind === 'answer' ? attempted.status : undefined,
          attempts: attempt,
          reason: `${failed('').detail.reason} and asked to be retried after ${asked} ms, beyond the ${call.budgetMs} ms this call may take`,
        });
      }
      const delay = asked ?? this.backoff(attempt);
      if (delay >= remaining) throw failed(`${after}; the call's ${call.budgetMs} ms are spent`);
      await this.sleep(delay);
    }
  }

  private backoff(retryNumber: number): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (retryNumber - 1));
    return Math.floor(this.random() * ceiling);
  }

  private async attempt(call: ExternalCall, url: string, timeoutMs: number): Promise<Attempt> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.options.apiKey.current()}`,
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
    try {
      // The signal covers the whole exchange, reading the body included.
      const response = await fetch(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      const text = await readCapped(response);
      return {
        kind: 'answer',
        status: response.status,
        text,
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (cause) {
      if (isTimeout(cause)) return { kind: 'timeout', cause };
      if (cause instanceof AnswerTooLarge) return { kind: 'too-large', status: cause.status };
      return { kind: 'network', cause };
    }
  }
}

/**
 * Parses an expected answer's body with its schema, or fails naming the API, the call, the status
 * and the fields that break the contract (never their values).
 */
export function parseAnswer<T>(
  api: string,
  call: Pick<ExternalCall, 'method' | 'path'>,
  answer: ExternalAnswer,
  schema: z.ZodType<T>,
): T {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return parsed.data;
  const fields = describeIssues(parsed.error, { whole: '(body)', limit: 5 }).join('; ');
  throw new ExternalApiError(api, callName(call), 'malformed', {
    status: answer.status,
    attempts: answer.attempts,
    reason: `answered ${answer.status} with a body that breaks the contract (${fields})`,
  });
}

/** The call as logs and errors name it: the method and the path template. */
export function callName(call: Pick<ExternalCall, 'method' | 'path'>): string {
  return `${call.method} ${call.path}`;
}

function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, key: string) => {
    const value = params[key];
    if (value === undefined || value === '') throw new RangeError(`no value for {${key}} in ${template}`);
    return encodeURIComponent(value);
  });
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * `Retry-After` in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when
 * absent or unreadable, so the client falls back to its own backoff.
 */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function parseJson(
  text: string,
  fail: (failure: ExternalApiFailure, reason: string, status?: number, cause?: unknown) => ExternalApiError,
  status: number,
): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw fail('malformed', `answered ${status} with a body that is not JSON`, status, cause);
  }
}

/** `503 (temporarily unavailable)`: the status and the problem's title when the body is a problem document. */
function describeStatus(status: number, text: string): string {
  let title: string | undefined;
  try {
    const body = JSON.parse(text) as { title?: unknown };
    if (typeof body?.title === 'string') title = body.title.slice(0, 120);
  } catch {
    // A gateway's HTML error page: the status says enough.
  }
  return title === undefined ? String(status) : `${status} (${title})`;
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? '' : ` after ${attempts} attempts`;
}

function causeText(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  if (inner instanceof Error)
    return 'code' in inner && typeof inner.code === 'string' ? inner.code : inner.message;
  return String(inner);
}

function isTimeout(cause: unknown): boolean {
  return cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
}

class AnswerTooLarge extends Error {
  constructor(readonly status: number) {
    super(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
  }
}

async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw new AnswerTooLarge(response.status);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) throw new AnswerTooLarge(response.status);
  return text;
}
