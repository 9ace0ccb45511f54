import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkBulletin, signBulletin } from '../domain/close/bulletin';
import type { ElectionKey } from '../ports/election-key';

const body = {
  format: 'ballotstream-bulletin/1' as const,
  electionId: 'e-contract',
  generatedAt: '2026-05-01T19:00:00.000Z',
  machines: [],
  constituencies: [],
  audit: { entries: 0, headHash: '0'.repeat(64) },
};

/** The behaviour every `ElectionKey` adapter must show; run against each adapter that runs here. */
export function electionKeyContract(name: string, make: () => Promise<ElectionKey>): void {
  describe(`election key contract: ${name}`, () => {
    it('is a P-256 public key, the same on every read', async () => {
      const key = await make();
      const pem = await key.publicKeyPem();
      const spki = createPublicKey(pem);
      expect(spki.asymmetricKeyType).toBe('ec');
      expect(spki.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(await key.publicKeyPem()).toBe(pem);
    });

    it('signs bytes with ECDSA-SHA256 in DER, which verifies against its public key and no other bytes', async () => {
      const key = await make();
      const bytes = new TextEncoder().encode('every machine reconciled');
      const signature = Buffer.from(await key.sign(bytes));
      // A DER ECDSA signature is a SEQUENCE: it starts with 0x30, never the 64 bytes of r‖s.
      expect(signature[0]).toBe(0x30);
      const pem = await key.publicKeyPem();
      expect(verify('sha256', bytes, { key: pem, dsaEncoding: 'der' }, signature)).toBe(true);
      const other = new TextEncoder().encode('every machine reconciled.');
      expect(verify('sha256', other, { key: pem, dsaEncoding: 'der' }, signature)).toBe(false);
    });

    it('signs a bulletin that verify-election accepts, and one whose count is changed after signing it refuses', async () => {
      const bulletin = await signBulletin(await make(), body);
      expect(checkBulletin(bulletin).problems).toEqual([]);
      const altered = { ...bulletin, body: { ...bulletin.body, electionId: 'e-other' } };
      expect(checkBulletin(altered).problems.join('\n')).toMatch(/not signed by its election key/);
    });
  });
}
