import { createHmac } from 'node:crypto';
import type { VoterPseudonyms } from '../../ports/ticket-keys';

/** The voter pseudonym: HMAC-SHA256 of the voter id under a secret that never leaves the cloud. */
export class HmacVoterPseudonyms implements VoterPseudonyms {
  constructor(private readonly secret: Uint8Array) {}

  voterKey(voterId: string): string {
    return createHmac('sha256', this.secret).update(voterId).digest('base64url').slice(0, 32);
  }
}
