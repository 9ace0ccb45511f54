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

async function read<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new ApiError(response.status, body);
  return body as T;
}

/** GETs a JSON resource of the API. */
export async function getJson<T>(path: string, token?: string): Promise<T> {
  return read<T>(await fetch(`${apiBase}${path}`, { headers: headers(token, false) }));
}

/** POSTs a JSON body to the API. */
export async function postJson<T>(path: string, body: unknown, token?: string): Promise<T> {
  return read<T>(
    await fetch(`${apiBase}${path}`, {
      method: 'POST',
      headers: headers(token, true),
      body: JSON.stringify(body),
    }),
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
