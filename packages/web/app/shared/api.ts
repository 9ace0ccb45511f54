import { type BoothListing, boothsResponseSchema, describeIssues } from '@ballotstream/events';
import type { z } from 'zod';

/** Where the API lives: the same origin when served by the runtime, or the deployed API's URL. */
export const apiBase = String(import.meta.env.VITE_API_URL ?? '').replace(/\/$/, '');

/** An API answer that was not a success, with the status and the body the API sent. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.error === 'string' ? body.error : `HTTP ${status}`);
  }
}

function headers(token: string | undefined, json: boolean): Record<string, string> {
  return {
    accept: 'application/json',
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
  };
}

/**
 * An answer that succeeded but is not the shape the app was built for: the app and the API are
 * out of step, which a reader of the console should see named, field by field.
 */
export class ResponseShapeError extends Error {
  override readonly name = 'ResponseShapeError';
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`The answer of ${path} is not what this page expects: ${problems.join('; ')}`);
  }
}

async function read<S extends z.ZodType>(path: string, response: Response, schema: S): Promise<z.infer<S>> {
  const body: unknown = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(response.status, typeof body === 'object' && body !== null ? { ...body } : {});
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ResponseShapeError(path, describeIssues(parsed.error, { whole: '(body)', limit: 5 }));
  }
  return parsed.data;
}

/** GETs a JSON resource of the API and checks it against the schema of its answer. */
export async function getJson<S extends z.ZodType>(
  path: string,
  schema: S,
  token?: string,
): Promise<z.infer<S>> {
  return read(path, await fetch(`${apiBase}${path}`, { headers: headers(token, false) }), schema);
}

/** POSTs a JSON body to the API and checks the answer against its schema. */
export async function postJson<S extends z.ZodType>(
  path: string,
  body: unknown,
  schema: S,
  token?: string,
): Promise<z.infer<S>> {
  return read(
    path,
    await fetch(`${apiBase}${path}`, {
      method: 'POST',
      headers: headers(token, true),
      body: JSON.stringify(body),
    }),
    schema,
  );
}

/**
 * Follows a server-sent-events feed over fetch, so the officer's token travels in the
 * Authorization header (EventSource cannot send one); reconnects with backoff until aborted.
 */
export async function followEvents(
  path: string,
  token: string | undefined,
  onEvent: (type: string, data: string) => void,
  signal: AbortSignal,
  onState: (connected: boolean) => void = () => undefined,
): Promise<void> {
  let delay = 2000;
  while (!signal.aborted) {
    try {
      const response = await fetch(`${apiBase}${path}`, {
        headers: { ...headers(token, false), accept: 'text/event-stream' },
        signal,
      });
      if (!response.ok || response.body === null) throw new ApiError(response.status, {});
      onState(true);
      delay = 2000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length > 0) onEvent(type, data.join('\n'));
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // The feed dropped or is not there; the caller keeps polling meanwhile, so wait and retry.
    }
    onState(false);
    if (!signal.aborted) await new Promise((r) => setTimeout(r, delay));
    // A feed that is not there (a deployment without one) is asked for less and less often.
    delay = Math.min(30_000, delay * 2);
  }
}

/**
 * Every booth a `GET /booths` filter matches (`filter` is `&regionId=…` or empty), page after
 * page: a large election's electorates and geofences are all read, never only the first page.
 */
export async function allBooths(filter = ''): Promise<BoothListing[]> {
  const booths: BoothListing[] = [];
  let after: string | undefined;
  do {
    const cursor = after === undefined ? '' : `&after=${encodeURIComponent(after)}`;
    const page = await getJson(`/booths?limit=500${filter}${cursor}`, boothsResponseSchema);
    booths.push(...page.booths);
    after = page.next;
  } while (after !== undefined);
  return booths;
}
