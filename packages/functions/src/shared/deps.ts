import type { Deps } from '../catalogue';

export type { Deps } from '../catalogue';

let installed: Deps | undefined;
let building: Promise<Deps> | undefined;

/** Installs the dependencies handlers use; the local runtime and tests call this at start-up. */
export function installDeps(deps: Deps): void {
  installed = deps;
  building = undefined;
}

/** Forgets the installed dependencies, so a test or a restarted runtime starts clean. */
export function uninstallDeps(): void {
  installed = undefined;
  building = undefined;
}

/** The dependencies of this process; in Lambda they are built from the AWS adapters on first use. */
export async function deps(): Promise<Deps> {
  if (installed !== undefined) return installed;
  building ??= import('./aws-deps').then(({ buildAwsDeps }) => buildAwsDeps());
  installed = await building;
  return installed;
}
