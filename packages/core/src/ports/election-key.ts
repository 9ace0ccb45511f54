/**
 * The election key: the platform's own signing key for what it publishes (the bulletin). In AWS a
 * KMS asymmetric key (`ECC_NIST_P256`, `SIGN_VERIFY`, `ECDSA_SHA_256`) whose private half never
 * leaves KMS; locally a P-256 key file created on first run under `<dataDir>/keys`.
 */
export interface ElectionKey {
  /** The public key, SPKI PEM. */
  publicKeyPem(): Promise<string>;
  /** ECDSA-SHA256 signature of the bytes, DER encoded. */
  sign(bytes: Uint8Array): Promise<Uint8Array>;
}
