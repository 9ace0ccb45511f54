import { AsyncLocalStorage } from 'node:async_hooks';
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

// Locally two regions' runtimes may share a process: each runs its handlers inside its own scope.
const scoped = new AsyncLocalStorage<Deps>();

/** Runs `work` (and everything it awaits) with these dependencies, whatever is installed. */
export function runWithDeps<T>(deps: Deps, work: () => T): T {
  return scoped.run(deps, work);
}

/** Whether these are the process's installed dependencies. */
export function isInstalled(deps: Deps): boolean {
  return installed === deps;
}

/** The dependencies of this process; in Lambda they are built from the AWS adapters on first use. */
export async function deps(): Promise<Deps> {
  const inScope = scoped.getStore();
  if (inScope !== undefined) return inScope;
  if (installed !== undefined) return installed;
  building ??= import('./aws-deps').then(({ buildAwsDeps }) => buildAwsDeps());
  installed = await building;
  return installed;
}
