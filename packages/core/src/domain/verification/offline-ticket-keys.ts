import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TicketKeys, TicketPublicKey } from '../../ports/ticket-keys';
import { verifyTicketSignature } from '../crypto/ticket-signature';

/**
 * Ticket keys that only verify, built from the public keys `GET /ticket-keys` serves: what a
 * booth holds to check tickets with no connection to the cloud.
 */
export function offlineTicketKeys(keys: readonly TicketPublicKey[]): TicketKeys {
  const trusted = new Map<string, KeyObject>(keys.map((k) => [k.keyId, createPublicKey(k.publicKeyPem)]));
  return {
    currentKeyId: '',
    async sign() {
      throw new Error('offline ticket keys verify only');
    },
    verify(keyId, message, signature) {
      const key = trusted.get(keyId);
      return key !== undefined && verifyTicketSignature(key, message, signature);
    },
    publicKeys: () => keys,
  };
}
