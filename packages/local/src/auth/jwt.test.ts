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
