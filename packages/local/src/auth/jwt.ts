import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type PrincipalClaims, principalClaimsSchema, type Role } from '@ballotstream/events';

/** The issuer and audience local tokens carry, checked as API Gateway's JWT authorizer checks Cognito's. */
export const LOCAL_ISSUER = 'ballotstream-local';
export const LOCAL_AUDIENCE = 'ballotstream';

/**
 * How far the clock of whoever minted a token may run ahead of ours: a token issued (`iat`) or
 * valid from (`nbf`) later than now by more than this is refused as not yet valid.
 */
export const CLOCK_SKEW_SECONDS = 60;

/** What a verified token grants: its claims as the authorizer passes them on. */
export type VerifiedClaims = PrincipalClaims & {
  readonly iss: string;
  readonly aud: string;
  readonly exp: number;
};

/** Why a token was not accepted (each one is a 401). */
export type TokenRefusal =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'expired'
  | 'not-yet-valid'
  | 'bad-claims';

// Tokens whose signature and claims were checked, by their exact text; emptied when this full.
const TOKENS_REMEMBERED = 10_000;

/**
 * Signs and verifies the local runtime's tokens with one ES256 key (P-256), kept in a key file.
 * A token's signature and claims are checked once: the same text carries the same signature and
 * claims, so only its times are checked again on each later request. API Gateway's JWT authorizer
 * does this work outside the function, so the runtime should not spend a signature check a request.
 */
export class LocalTokenIssuer {
  private readonly publicKey: KeyObject;
  private readonly checked = new Map<string, VerifiedClaims>();

  constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
  }

  /** The issuer of a fresh key held in memory only (tests, a runtime without a data directory). */
  static ephemeral(): LocalTokenIssuer {
    return new LocalTokenIssuer(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  }

  /** The issuer whose key is in `<keysDir>/jwt-es256.pem`, generating the key on first use. */
  static fromKeyDir(keysDir: string): LocalTokenIssuer {
    const path = join(keysDir, 'jwt-es256.pem');
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    }
    return new LocalTokenIssuer(createPrivateKey(readFileSync(path)));
  }

  /** Mints a token for a role (an officer's carries their region), valid for `ttlSeconds`. */
  mint(input: {
    role: Role;
    subject?: string;
    regionId?: string;
    ttlSeconds?: number;
    now?: number;
    /** Epoch ms before which the token is not valid (`nbf`); none by default. */
    notBefore?: number;
  }): string {
    const issuedAt = Math.floor((input.now ?? Date.now()) / 1000);
    const claims = {
      iss: LOCAL_ISSUER,
      aud: LOCAL_AUDIENCE,
      sub: input.subject ?? `${input.role}-${randomUUID().slice(0, 8)}`,
      iat: issuedAt,
      exp: issuedAt + (input.ttlSeconds ?? 12 * 3600),
      jti: randomUUID(),
      ...(input.notBefore === undefined ? {} : { nbf: Math.floor(input.notBefore / 1000) }),
      'custom:role': input.role,
      ...(input.regionId === undefined ? {} : { 'custom:region': input.regionId }),
    };
    const head = b64json({ alg: 'ES256', typ: 'JWT' });
    const body = b64json(claims);
    const signature = sign('sha256', Buffer.from(`${head}.${body}`), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${head}.${body}.${signature.toString('base64url')}`;
  }

  /** Verifies signature, algorithm, issuer, audience, expiry and not-before, then the role claims. */
  verify(
    token: string,
    now = Date.now(),
  ): { ok: true; claims: VerifiedClaims } | { ok: false; reason: TokenRefusal } {
    const known = this.checked.get(token);
    if (known !== undefined) {
      const refusal = timeRefusal(known as unknown as Record<string, unknown>, now);
      return refusal === undefined ? { ok: true, claims: known } : { ok: false, reason: refusal };
    }
    const verified = this.verifyWhole(token, now);
    if (verified.ok) {
      if (this.checked.size >= TOKENS_REMEMBERED) this.checked.clear();
      this.checked.set(token, verified.claims);
    }
    return verified;
  }

  private verifyWhole(
    token: string,
    now: number,
  ): { ok: true; claims: VerifiedClaims } | { ok: false; reason: TokenRefusal } {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'malformed' };
    const [head, body, signature] = parts as [string, string, string];
    let header: unknown;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    // Only ES256: a token naming `none` or an HMAC algorithm is never tried against this key.
    if ((header as { alg?: unknown })?.alg !== 'ES256') return { ok: false, reason: 'malformed' };
    const valid = verify(
      'sha256',
      Buffer.from(`${head}.${body}`),
      { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return { ok: false, reason: 'bad-signature' };
    if (payload.iss !== LOCAL_ISSUER || payload.aud !== LOCAL_AUDIENCE)
      return { ok: false, reason: 'wrong-issuer' };
    const refusal = timeRefusal(payload, now);
    if (refusal !== undefined) return { ok: false, reason: refusal };
    const claims = principalClaimsSchema.safeParse(payload);
    if (!claims.success) return { ok: false, reason: 'bad-claims' };
    // An officer's token is useless without a region: refuse it rather than treat it as national.
    if (claims.data['custom:role'] === 'officer' && claims.data['custom:region'] === undefined)
      return { ok: false, reason: 'bad-claims' };
    return { ok: true, claims: payload as VerifiedClaims };
  }
}

/** Why a token's times refuse it now: expired, or issued or valid only later than the clock skew allows. */
function timeRefusal(payload: Record<string, unknown>, now: number): TokenRefusal | undefined {
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now) return 'expired';
  // A token from the future was minted by a clock that is wrong, or forged to outlive a key.
  for (const claim of ['iat', 'nbf'] as const) {
    const at = payload[claim];
    if (at === undefined) continue;
    if (typeof at !== 'number' || !Number.isFinite(at)) return 'bad-claims';
    if ((at - CLOCK_SKEW_SECONDS) * 1000 > now) return 'not-yet-valid';
  }
  return undefined;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
