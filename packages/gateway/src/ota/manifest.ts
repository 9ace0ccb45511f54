import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson, describeIssues } from '@ballotstream/events';
import { z } from 'zod';

const semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'major.minor.patch');

/**
 * When a gateway may take the update: only over `minimumVersion` or later; `between-voters`
 * once no press came for `quietMs` (and none is being handled), `outside-voting` only outside
 * the booth's poll hours; the new version must stay healthy for `healthCheckMs` or is rolled back.
 */
export const updateConditionsSchema = z.object({
  minimumVersion: semver,
  applyWhen: z.enum(['between-voters', 'outside-voting']),
  quietMs: z.number().int().nonnegative(),
  healthCheckMs: z.number().int().positive(),
});
export type UpdateConditions = z.infer<typeof updateConditionsSchema>;

/** What an update package says of itself; the signature covers exactly these fields. */
export const updateManifestSchema = z.object({
  component: z.string().min(1),
  version: semver,
  electionId: z.string().min(1),
  artifact: z.object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest in hex'),
    bytes: z.number().int().positive(),
  }),
  conditions: updateConditionsSchema,
});
export type UpdateManifest = z.infer<typeof updateManifestSchema>;

/** ECDSA P-256 with SHA-256 (DER), AWS Signer's `AWSIoTDeviceManagement-SHA256-ECDSA`; Ed25519 as well. */
export const signatureAlgorithmSchema = z.enum(['ECDSA-P256-SHA256', 'Ed25519']);

/** The manifest as shipped: its fields, and the code-signing key's signature over their canonical JSON. */
export const signedManifestSchema = z.object({
  manifest: updateManifestSchema,
  signature: z.object({
    algorithm: signatureAlgorithmSchema,
    /** The signing key's id (`keyIdOf`), so a device names the key it was asked to trust. */
    keyId: z.string().min(1),
    value: z.string().min(1),
  }),
});
export type SignedManifest = z.infer<typeof signedManifestSchema>;

/** The bytes a code-signing key signs: the manifest's canonical JSON (AWS Signer signs this file). */
export function manifestSigningBytes(manifest: UpdateManifest): Buffer {
  return Buffer.from(canonicalJson(manifest), 'utf8');
}

/** A public key's id: the first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

const algorithmOf = (key: KeyObject): z.infer<typeof signatureAlgorithmSchema> => {
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ECDSA-P256-SHA256';
  }
  throw new Error(`a code-signing key is Ed25519 or ECDSA P-256, not ${key.asymmetricKeyType}`);
};

/** Signs a manifest with a local code-signing key (in AWS, a Signer job signs the same bytes). */
export function signManifest(manifest: UpdateManifest, privateKey: KeyObject): SignedManifest {
  const algorithm = algorithmOf(privateKey);
  const value = sign(algorithm === 'Ed25519' ? null : 'sha256', manifestSigningBytes(manifest), privateKey);
  return {
    manifest,
    signature: { algorithm, keyId: keyIdOf(createPublicKey(privateKey)), value: value.toString('base64') },
  };
}

/** Why a gateway refused an update package. */
export type UpdateRefusal =
  | 'malformed'
  | 'unknown-key'
  | 'bad-signature'
  | 'digest-mismatch'
  | 'other-component'
  | 'other-election'
  | 'not-newer'
  | 'below-minimum-version';

/** What the gateway checks a package against: the election's code-signing key and itself. */
export interface UpdateCheck {
  readonly publicKey: KeyObject;
  readonly component: string;
  readonly electionId: string;
  readonly currentVersion: string;
}

export type UpdateVerdict =
  | { readonly ok: true; readonly manifest: UpdateManifest }
  | { readonly ok: false; readonly reason: UpdateRefusal; readonly detail: string };

const refuse = (reason: UpdateRefusal, detail: string): UpdateVerdict => ({ ok: false, reason, detail });

/**
 * Checks an update package before anything of it is installed: the manifest's shape, that the
 * election's code-signing key signed it, that the artifact is the one it describes byte for byte,
 * and that it is for this component and election and newer than, and applicable over, the
 * running version.
 */
export function verifyUpdate(signed: unknown, artifact: Buffer, check: UpdateCheck): UpdateVerdict {
  const parsed = signedManifestSchema.safeParse(signed);
  if (!parsed.success) {
    return refuse('malformed', describeIssues(parsed.error, { whole: '(manifest)' }).join('; '));
  }
  const { manifest, signature } = parsed.data;
  if (signature.keyId !== keyIdOf(check.publicKey)) {
    return refuse('unknown-key', `signed by key ${signature.keyId}, not the election's code-signing key`);
  }
  const bytes = manifestSigningBytes(manifest);
  const value = Buffer.from(signature.value, 'base64');
  const valid =
    signature.algorithm === algorithmOf(check.publicKey) &&
    verify(signature.algorithm === 'Ed25519' ? null : 'sha256', bytes, check.publicKey, value);
  if (!valid) return refuse('bad-signature', 'the manifest does not match its signature');
  const digest = createHash('sha256').update(artifact).digest('hex');
  if (digest !== manifest.artifact.sha256 || artifact.length !== manifest.artifact.bytes) {
    return refuse('digest-mismatch', `artifact ${manifest.artifact.name} is not the one the manifest signs`);
  }
  if (manifest.component !== check.component) return refuse('other-component', manifest.component);
  if (manifest.electionId !== check.electionId) return refuse('other-election', manifest.electionId);
  if (compareVersions(manifest.version, check.currentVersion) <= 0) {
    return refuse('not-newer', `${manifest.version} is not newer than ${check.currentVersion}`);
  }
  if (compareVersions(check.currentVersion, manifest.conditions.minimumVersion) < 0) {
    return refuse('below-minimum-version', `needs ${manifest.conditions.minimumVersion} or later`);
  }
  return { ok: true, manifest };
}

/** Orders two `major.minor.patch` versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
