/** Who is signed in, as the token's claims say; the API checks the token itself on every call. */
export interface Session {
  readonly token: string;
  readonly subject: string;
  readonly role: string;
  readonly regionId?: string;
}

const KEY = 'ballotstream.monitor.token';

/** Reads the claims of a JWT without verifying it: only to shape the page, never to grant. */
export function sessionOf(token: string): Session | undefined {
  const payload = token.trim().split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    const role = claims['custom:role'];
    const region = claims['custom:region'];
    if (typeof role !== 'string' || typeof claims.sub !== 'string') return undefined;
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) return undefined;
    return {
      token: token.trim(),
      subject: claims.sub,
      role,
      ...(typeof region === 'string' ? { regionId: region } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The session kept in this tab, if its token is still readable and unexpired. */
export function savedSession(): Session | undefined {
  const token = sessionStorage.getItem(KEY);
  return token === null ? undefined : sessionOf(token);
}

/** Keeps the token for this tab only; closing the tab signs the officer out. */
export function saveSession(session: Session | undefined): void {
  if (session === undefined) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, session.token);
}
