import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { compareVersions, type SignedManifest } from './manifest';
import { MANIFEST_FILE } from './update-package';

/**
 * What the gateway's install folder says: the version that runs, the one before it, an update
 * on trial (swapped in and not yet healthy), and the job report still owed to IoT Jobs.
 */
export const installStateSchema = z.object({
  current: z.string(),
  previous: z.string().optional(),
  trial: z.object({ jobId: z.string(), from: z.string(), to: z.string() }).optional(),
  report: z
    .object({
      jobId: z.string(),
      status: z.enum(['SUCCEEDED', 'FAILED']),
      details: z.record(z.string(), z.string()),
    })
    .optional(),
});
export type InstallState = z.infer<typeof installStateSchema>;

const STATE = 'state.json';

/** The folder a version's files live in. */
export const versionDir = (dir: string, version: string) => join(dir, 'versions', version);

/** The entry point of an installed version. */
export const entryOf = (dir: string, version: string) => join(versionDir(dir, version), 'gateway.mjs');

/** Reads the install state; undefined when nothing is installed. */
export function readInstallState(dir: string): InstallState | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, STATE), 'utf8');
  } catch {
    return undefined;
  }
  return installStateSchema.parse(JSON.parse(text));
}

/** Replaces the install state in one rename, so a crash leaves the old state or the new, never half. */
export function writeInstallState(dir: string, state: InstallState): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${STATE}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(installStateSchema.parse(state))}\n`);
  renameSync(tmp, join(dir, STATE));
}

/**
 * Installs the version a component shipped with when nothing is installed or it is newer than the
 * installed one (a Greengrass deployment of a later component version wins over an earlier
 * over-the-air update; an older one does not undo a newer update).
 */
export function installInitial(dir: string, version: string, entryPath: string): InstallState {
  const existing = readInstallState(dir);
  if (existing !== undefined && compareVersions(version, existing.current) <= 0) return existing;
  mkdirSync(versionDir(dir, version), { recursive: true });
  copyFileSync(entryPath, entryOf(dir, version));
  const state: InstallState =
    existing === undefined ? { current: version } : { current: version, previous: existing.current };
  writeInstallState(dir, state);
  return state;
}

/** Puts a verified package's files beside the running version, its artifact as the entry point, ready to swap in. */
export function stageVersion(dir: string, signed: SignedManifest, artifact: Buffer): void {
  const target = versionDir(dir, signed.manifest.version);
  mkdirSync(target, { recursive: true });
  writeFileSync(entryOf(dir, signed.manifest.version), artifact);
  writeFileSync(join(target, MANIFEST_FILE), `${JSON.stringify(signed)}\n`);
}
