import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derToP1363, verifyTicketSignature } from './ticket-signature';

describe('ticket signatures', () => {
  it('turns DER ECDSA signatures of every length into 64-byte r||s that verify', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicKey = createPublicKey(privateKey);
    const lengths = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const message = Buffer.from(`message ${i}`);
      const der = sign('sha256', message, privateKey);
      lengths.add(der.length);
      const raw = derToP1363(der);
      expect(raw?.length).toBe(64);
      expect(verifyTicketSignature(publicKey, message, raw!)).toBe(true);
    }
    // Leading zero bytes of r or s make DER signatures shorter or longer; all were seen and handled.
    expect(lengths.size).toBeGreaterThan(1);
  });

  it('rejects DER that is not a sequence of two integers', () => {
    for (const bad of ['', '3000', '300402010102', '3006020101020101ff', '30060201010201']) {
      expect(derToP1363(Buffer.from(bad, 'hex'))).toBeUndefined();
    }
  });

  it('refuses signatures of the wrong length and keys of other curves', () => {
    const ed = generateKeyPairSync('ed25519');
    const message = Buffer.from('m');
    const good = sign(null, message, ed.privateKey);
    expect(verifyTicketSignature(ed.publicKey, message, good)).toBe(true);
    expect(verifyTicketSignature(ed.publicKey, message, good.subarray(0, 63))).toBe(false);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const sig = sign('sha256', message, { key: p384.privateKey, dsaEncoding: 'ieee-p1363' });
    expect(verifyTicketSignature(p384.publicKey, message, sig.subarray(0, 64))).toBe(false);
  });
});
