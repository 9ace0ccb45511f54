import { createHash, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { GATEWAY_COMPONENT } from '../greengrass/recipe';
import { type SignedManifest, signManifest, type UpdateConditions, type UpdateManifest } from './manifest';

/** The files of an update package: the signed manifest, and the artifact it names beside it. */
export const MANIFEST_FILE = 'manifest.json';

/** What a package is made of: the built gateway artifact, its version and election, when it may apply. */
export interface UpdatePackageInput {
  readonly artifactPath: string;
  readonly version: string;
  readonly electionId: string;
  readonly conditions: UpdateConditions;
}

/** The manifest describing an artifact, unsigned. */
export function describeArtifact(input: UpdatePackageInput): UpdateManifest {
  const bytes = readFileSync(input.artifactPath);
  return {
    component: GATEWAY_COMPONENT,
    version: input.version,
    electionId: input.electionId,
    artifact: {
      name: basename(input.artifactPath),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
    },
    conditions: input.conditions,
  };
}

/**
 * Writes a signed update package into `outDir`: the artifact copied in, and `manifest.json`
 * signed with the local code-signing key. In AWS the manifest's bytes go to a Signer job instead
 * (`stacks/ota.ts`) and the same file is written with the signature it returns.
 */
export function writeUpdatePackage(
  outDir: string,
  input: UpdatePackageInput,
  codeSigningKey: KeyObject,
): SignedManifest {
  mkdirSync(outDir, { recursive: true });
  const manifest = describeArtifact(input);
  const signed = signManifest(manifest, codeSigningKey);
  writeFileSync(join(outDir, manifest.artifact.name), readFileSync(input.artifactPath));
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(signed, null, 2)}\n`);
  return signed;
}

/** An update package as read, unchecked: what the manifest file holds and the artifact's bytes. */
export interface UpdatePackageFiles {
  readonly signed: unknown;
  readonly artifact: Buffer;
}

/**
 * Reads a package from a folder, or through `fetchBytes` from where a job document points
 * (`file:` locally, an S3 pre-signed `https:` URL in AWS). Nothing is trusted until `verifyUpdate`.
 */
export async function readUpdatePackage(
  manifestUrl: string,
  artifactUrl: string,
  fetchBytes: (url: string) => Promise<Buffer> = fetchUrl,
): Promise<UpdatePackageFiles> {
  const manifestBytes = await fetchBytes(manifestUrl);
  let signed: unknown;
  try {
    signed = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    signed = undefined;
  }
  return { signed, artifact: await fetchBytes(artifactUrl) };
}

/** Reads a `file:` URL or a plain path from disk, an `https:` URL over the network. */
export async function fetchUrl(url: string): Promise<Buffer> {
  if (url.startsWith('https://') || url.startsWith('http://')) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }
  return readFileSync(url.startsWith('file:') ? new URL(url) : url);
}
