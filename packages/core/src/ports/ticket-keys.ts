/** Signing keys for tickets (KMS in AWS, key files locally); every ticket names its key id. */
export interface TicketKeys {
  readonly currentKeyId: string;
  sign(message: Uint8Array): Promise<{ keyId: string; signature: Uint8Array }>;
  /** Verifies with a known key; false for an unknown key id or a bad signature. */
  verify(keyId: string, message: Uint8Array, signature: Uint8Array): boolean;
  /** Every trusted public key (SPKI PEM), so booths can verify tickets offline. */
  publicKeys(): readonly TicketPublicKey[];
}

/** A public ticket key as booths fetch it; the algorithm follows from the key itself. */
export interface TicketPublicKey {
  readonly keyId: string;
  readonly publicKeyPem: string;
}

/** The keyed hash that stands for a voter everywhere outside the registry. */
export interface VoterPseudonyms {
  voterKey(voterId: string): string;
}
