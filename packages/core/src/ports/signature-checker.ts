/** One Ed25519 check: a machine's raw base64url public key, the bytes it signed, the signature. */
export interface SignatureCheck {
  readonly publicKey: string;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Checks machine signatures, one per vote. In Lambda each instance checks its own, inline; the
 * local runtime, where one event loop runs every handler, checks them on a worker thread.
 */
export interface SignatureChecker {
  /** Whether the signature verifies; false (never a throw) for a malformed key or signature. */
  verify(check: SignatureCheck): Promise<boolean>;
  close(): Promise<void>;
}
