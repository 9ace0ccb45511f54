import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entityOfFile } from '../registry/import-file';
import { CLOCK_SKEW_SECONDS, LocalTokenIssuer } from './jwt';

describe('local bearer tokens', () => {
  it('verifies a token minted by another process over the same key directory', () => {
    const keys = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'keys');
    const token = LocalTokenIssuer.fromKeyDir(keys).mint({
      role: 'officer',
      regionId: 'north',
      subject: 'olu',
    });
    const verified = LocalTokenIssuer.fromKeyDir(keys).verify(token);
    expect(verified).toMatchObject({
      ok: true,
      claims: { sub: 'olu', 'custom:role': 'officer', 'custom:region': 'north' },
    });
  });

  it('refuses a token whose header names no algorithm to check', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const [, body] = issuer.mint({ role: 'admin' }).split('.') as [string, string];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(issuer.verify(`${none}.${body}.`)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a token of another audience or past its expiry', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const token = issuer.mint({ role: 'clerk', ttlSeconds: 60, now: 0 });
    expect(issuer.verify(token, 61_000)).toEqual({ ok: false, reason: 'expired' });
    expect(issuer.verify('not.a.token')).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('a token checked before', () => {
  it('is refused once it expires, though it was accepted earlier', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const token = issuer.mint({ role: 'booth', subject: 'b-1', ttlSeconds: 60, now: 0 });
    expect(issuer.verify(token, 1_000)).toMatchObject({ ok: true, claims: { sub: 'b-1' } });
    expect(issuer.verify(token, 2_000)).toMatchObject({ ok: true, claims: { sub: 'b-1' } });
    expect(issuer.verify(token, 61_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not vouch for another token with its claims and a changed signature', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const token = issuer.mint({ role: 'booth', subject: 'b-1' });
    expect(issuer.verify(token)).toMatchObject({ ok: true });
    const [head, body, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(issuer.verify(`${head}.${body}.${flipped}`)).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('tokens from the future', () => {
  const now = Date.UTC(2026, 11, 3, 9, 0);
  const skewMs = CLOCK_SKEW_SECONDS * 1000;

  it('refuses a token issued later than now, beyond the allowed clock skew', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const later = issuer.mint({ role: 'admin', now: now + skewMs + 60_000 });
    expect(issuer.verify(later, now)).toEqual({ ok: false, reason: 'not-yet-valid' });
    const slightlyAhead = issuer.mint({ role: 'admin', now: now + skewMs - 1_000 });
    expect(issuer.verify(slightlyAhead, now)).toMatchObject({ ok: true });
  });

  it('refuses a token before its not-before time, beyond the allowed clock skew', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const notYet = issuer.mint({ role: 'admin', now, notBefore: now + skewMs + 60_000 });
    expect(issuer.verify(notYet, now)).toEqual({ ok: false, reason: 'not-yet-valid' });
    expect(issuer.verify(notYet, now + 2 * skewMs + 60_000)).toMatchObject({ ok: true });
    const nearly = issuer.mint({ role: 'admin', now, notBefore: now + skewMs - 1_000 });
    expect(issuer.verify(nearly, now)).toMatchObject({ ok: true });
  });
});

describe('tokens checked before', () => {
  const now = Date.UTC(2026, 11, 3, 9, 0);
  const tamper = (token: string, edit: (claims: Record<string, unknown>) => void): string => {
    const [head, body, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    edit(claims);
    return `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
  };

  it('refuses a token once it expires, though it was accepted before', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const token = issuer.mint({ role: 'booth', subject: 'b1', ttlSeconds: 60, now });
    expect(issuer.verify(token, now)).toMatchObject({ ok: true, claims: { sub: 'b1' } });
    expect(issuer.verify(token, now + 61_000)).toEqual({ ok: false, reason: 'expired' });
    expect(issuer.verify(token, now + 62_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a forged token every time, while the genuine one it copies is accepted', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const token = issuer.mint({ role: 'booth', subject: 'b1', now });
    expect(issuer.verify(token, now)).toMatchObject({ ok: true });
    const promoted = tamper(token, (claims) => {
      claims['custom:role'] = 'admin';
    });
    for (let i = 0; i < 2; i++) {
      expect(issuer.verify(promoted, now)).toEqual({ ok: false, reason: 'bad-signature' });
      expect(issuer.verify(token, now)).toMatchObject({ ok: true, claims: { 'custom:role': 'booth' } });
    }
  });

  it('refuses a token of another key though one of this key with the same claims was accepted', () => {
    const issuer = LocalTokenIssuer.ephemeral();
    const other = LocalTokenIssuer.ephemeral();
    const token = issuer.mint({ role: 'booth', subject: 'b1', now });
    expect(issuer.verify(token, now)).toMatchObject({ ok: true });
    expect(other.verify(token, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('keeps a bounded number of checked tokens, dropping the oldest first', () => {
    const issuer = new LocalTokenIssuer(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 3);
    const tokens = Array.from({ length: 5 }, (_, i) => issuer.mint({ role: 'booth', subject: `b${i}`, now }));
    for (const token of tokens) expect(issuer.verify(token, now)).toMatchObject({ ok: true });
    expect(issuer.checkedTokens).toBe(3);
    // A token dropped from the cache is checked again in full and still accepted.
    expect(issuer.verify(tokens[0]!, now)).toMatchObject({ ok: true, claims: { sub: 'b0' } });
    expect(issuer.checkedTokens).toBe(3);
  });
});

describe('naming an import file', () => {
  it.each([
    ['booths.csv', 'booth'],
    ['data/voters-north.csv', 'voter'],
    ['constituencies.csv', 'constituency'],
    ['officer.csv', 'officer'],
    ['ballots.csv', undefined],
  ])('reads %s as %s', (file, entity) => {
    expect(entityOfFile(file)).toBe(entity);
  });
});
