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

/** Enough for every booth's token and every officer's at once. */
const CHECKED_TOKENS_KEPT = 10_000;

/** Signs and verifies the local runtime's tokens with one ES256 key (P-256), kept in a key file. */
export class LocalTokenIssuer {
  private readonly publicKey: KeyObject;

  constructor(
    private readonly privateKey: KeyObject,
    /** How many checked tokens are kept; a burst of others evicts the oldest. */
    private readonly checkedTokensKept = CHECKED_TOKENS_KEPT,
  ) {
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

  /**
   * Tokens whose signature and fixed claims were checked, by the whole token, in first-checked
   * order: a booth presents the same token all day, and an ES256 check costs as much as the
   * voter's ticket check. Local only by design: in AWS API Gateway's JWT authorizer checks the
   * token before any Lambda runs. The times (`exp`, `iat`, `nbf`) are checked on every use.
   */
  private readonly checked = new Map<string, Signed>();

  /** Verifies signature, algorithm, issuer, audience, expiry and not-before, then the role claims. */
  verify(
    token: string,
    now = Date.now(),
  ): { ok: true; claims: VerifiedClaims } | { ok: false; reason: TokenRefusal } {
    let signed = this.checked.get(token);
    if (signed === undefined) {
      const read = this.readSigned(token);
      if (!read.ok) return read;
      signed = read.signed;
      if (this.checked.size >= this.checkedTokensKept) this.forgetOldest();
      this.checked.set(token, signed);
    }
    const { payload } = signed;
    if (payload.iss !== LOCAL_ISSUER || payload.aud !== LOCAL_AUDIENCE)
      return { ok: false, reason: 'wrong-issuer' };
    if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now) {
      this.checked.delete(token);
      return { ok: false, reason: 'expired' };
    }
    // A token from the future was minted by a clock that is wrong, or forged to outlive a key.
    for (const claim of ['iat', 'nbf'] as const) {
      const at = payload[claim];
      if (at === undefined) continue;
      if (typeof at !== 'number' || !Number.isFinite(at)) return { ok: false, reason: 'bad-claims' };
      if ((at - CLOCK_SKEW_SECONDS) * 1000 > now) return { ok: false, reason: 'not-yet-valid' };
    }
    if (!signed.claimsValid) return { ok: false, reason: 'bad-claims' };
    return { ok: true, claims: payload as VerifiedClaims };
  }

  /** How many checked tokens are kept (tests). */
  get checkedTokens(): number {
    return this.checked.size;
  }

  /** Checks the algorithm and signature, and the claims that do not change with time. */
  private readSigned(token: string): { ok: true; signed: Signed } | { ok: false; reason: TokenRefusal } {
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
    const claims = principalClaimsSchema.safeParse(payload);
    // An officer's token is useless without a region: refuse it rather than treat it as national.
    const claimsValid =
      claims.success &&
      !(claims.data['custom:role'] === 'officer' && claims.data['custom:region'] === undefined);
    return { ok: true, signed: { payload, claimsValid } };
  }

  /** Drops the token checked longest ago: the map keeps insertion order. */
  private forgetOldest(): void {
    for (const token of this.checked.keys()) {
      this.checked.delete(token);
      return;
    }
  }
}

/** A token whose signature held: its payload, and whether its role claims are well formed. */
interface Signed {
  readonly payload: Readonly<Record<string, unknown>>;
  readonly claimsValid: boolean;
}

function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
