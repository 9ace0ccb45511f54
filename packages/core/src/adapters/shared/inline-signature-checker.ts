import { verifyEd25519 } from '../../domain/crypto/ed25519';
import type { SignatureCheck, SignatureChecker } from '../../ports/signature-checker';

/** Checks each signature in the calling thread: a Lambda instance has its own core for it. */
export class InlineSignatureChecker implements SignatureChecker {
  async verify(check: SignatureCheck): Promise<boolean> {
    return verifyEd25519(check.publicKey, check.message, check.signature);
  }

  async close(): Promise<void> {}
}
