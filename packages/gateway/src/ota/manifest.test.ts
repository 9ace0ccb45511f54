import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GATEWAY_COMPONENT } from '../greengrass/recipe';
import { compareVersions, type SignedManifest, verifyUpdate } from './manifest';
import { MANIFEST_FILE, readUpdatePackage, writeUpdatePackage } from './update-package';

const dir = mkdtempSync(join(tmpdir(), 'ota-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codeSigning = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const artifactPath = join(dir, 'gateway.mjs');
writeFileSync(artifactPath, 'console.log("gateway 1.1.0");\n');
const conditions = {
  minimumVersion: '1.0.0',
  applyWhen: 'between-voters',
  quietMs: 1000,
  healthCheckMs: 2000,
} as const;
const check = {
  publicKey: codeSigning.publicKey,
  component: GATEWAY_COMPONENT,
  electionId: 'ge-2029',
  currentVersion: '1.0.0',
};

function packageAt(name: string, version = '1.1.0', key = codeSigning.privateKey): string {
  const out = join(dir, name);
  writeUpdatePackage(out, { artifactPath, version, electionId: 'ge-2029', conditions }, key);
  return out;
}
const read = (pkg: string) => readUpdatePackage(join(pkg, MANIFEST_FILE), join(pkg, 'gateway.mjs'));

describe('a signed update package', () => {
  it('is accepted as built, with the manifest it was signed with', async () => {
    const files = await read(packageAt('good'));
    const verdict = verifyUpdate(files.signed, files.artifact, check);
    expect(verdict).toMatchObject({ ok: true, manifest: { version: '1.1.0', conditions } });
  });

  it('also verifies under an Ed25519 code-signing key', async () => {
    const ed = generateKeyPairSync('ed25519');
    const files = await read(packageAt('ed', '1.1.0', ed.privateKey));
    expect(verifyUpdate(files.signed, files.artifact, { ...check, publicKey: ed.publicKey }).ok).toBe(true);
  });

  it('is refused when one byte of the artifact was changed', async () => {
    const pkg = packageAt('tampered-artifact');
    const bytes = readFileSync(join(pkg, 'gateway.mjs'));
    bytes[10] = bytes[10]! ^ 1;
    writeFileSync(join(pkg, 'gateway.mjs'), bytes);
    const files = await read(pkg);
    expect(verifyUpdate(files.signed, files.artifact, check)).toMatchObject({
      ok: false,
      reason: 'digest-mismatch',
    });
  });

  it('is refused when the manifest was changed after signing (a new digest, looser conditions)', async () => {
    const pkg = packageAt('tampered-manifest');
    const signed = JSON.parse(readFileSync(join(pkg, MANIFEST_FILE), 'utf8')) as SignedManifest;
    const loosened = {
      ...signed,
      manifest: { ...signed.manifest, conditions: { ...conditions, quietMs: 0 } },
    };
    writeFileSync(join(pkg, MANIFEST_FILE), JSON.stringify(loosened));
    const files = await read(pkg);
    expect(verifyUpdate(files.signed, files.artifact, check)).toMatchObject({ reason: 'bad-signature' });
  });

  it('is refused when signed by another key, or carrying another key id', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const files = await read(packageAt('other-key', '1.1.0', other.privateKey));
    expect(verifyUpdate(files.signed, files.artifact, check)).toMatchObject({ reason: 'unknown-key' });
    const signed = files.signed as SignedManifest;
    const relabelled = { ...signed, signature: { ...signed.signature, keyId: electionKeyId() } };
    expect(verifyUpdate(relabelled, files.artifact, check)).toMatchObject({ reason: 'bad-signature' });
  });

  it('is refused when it is not newer, for another election, or the running version is too old', async () => {
    const files = await read(packageAt('old', '1.0.0'));
    expect(verifyUpdate(files.signed, files.artifact, check)).toMatchObject({ reason: 'not-newer' });
    const good = await read(packageAt('good-2'));
    expect(verifyUpdate(good.signed, good.artifact, { ...check, electionId: 'ge-2034' })).toMatchObject({
      reason: 'other-election',
    });
    expect(verifyUpdate(good.signed, good.artifact, { ...check, currentVersion: '0.9.0' })).toMatchObject({
      reason: 'below-minimum-version',
    });
  });

  it('is refused, naming the field, when the manifest is not one', () => {
    const verdict = verifyUpdate({ manifest: { version: 'one' } }, Buffer.from('x'), check);
    expect(verdict).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verdict.ok ? '' : verdict.detail).toMatch(/manifest\.version/);
  });

  it('orders versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
    expect(compareVersions('2.0.0', '2.0.0')).toBe(0);
  });
});

function electionKeyId(): string {
  // The election key's own id, on a signature made by another key.
  return (JSON.parse(readFileSync(join(dir, 'good', MANIFEST_FILE), 'utf8')) as SignedManifest).signature
    .keyId;
}
