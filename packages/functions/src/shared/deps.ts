import { AsyncLocalStorage } from 'node:async_hooks';
import { type App, createApp, isOutcome, type Outcome } from '@ballotstream/core';
import type { Deps } from '../catalogue';

export type { App } from '@ballotstream/core';
export type { Deps } from '../catalogue';

/**
 * The one seam between a runtime and the wrappers: which app a handler invocation calls. Lambda
 * builds it from the AWS ports once per cold start; the local runtime installs (or, two regions
 * in one process, scopes) the app it built from its local ports.
 */
let installed: App | undefined;
let building: Promise<App> | undefined;

// Locally two regions' runtimes may share a process: each runs its handlers inside its own scope.
const scoped = new AsyncLocalStorage<App>();

/** The app of these ports and settings. */
export function appOf(deps: Deps): App {
  const { config, ...ports } = deps;
  return createApp(ports, config);
}

/** Installs the app the wrappers call; the local runtime and tests call this at start-up. */
export function installApp(app: App): void {
  installed = app;
  building = undefined;
}

/** Installs the app of these ports, as when a store is swapped for one that fails. */
export function installDeps(deps: Deps): void {
  installApp(appOf(deps));
}

/** Forgets the installed app, so a test or a restarted runtime starts clean. */
export function uninstallApp(): void {
  installed = undefined;
  building = undefined;
}

/** Forgets the installed app; the counterpart of `installDeps`. */
export const uninstallDeps = uninstallApp;

/** Runs `work` (and everything it awaits) with this app, whatever is installed. */
export function runWithApp<T>(app: App, work: () => T): T {
  return scoped.run(app, work);
}

/** Whether this is the process's installed app. */
export function isInstalled(app: App): boolean {
  return installed === app;
}

/** The app of this invocation; in Lambda it is built from the AWS adapters on first use. */
export async function currentApp(): Promise<App> {
  const inScope = scoped.getStore();
  if (inScope !== undefined) return inScope;
  if (installed !== undefined) return installed;
  building ??= import('./aws-deps').then(async ({ buildAwsDeps }) => appOf(await buildAwsDeps()));
  installed = await building;
  return installed;
}

/** Publishes what a step's outcome announces and gives back its result; a plain result passes. */
export async function settle<R>(app: App, value: R | Outcome<R>): Promise<R> {
  if (!isOutcome(value)) return value;
  if (value.events.length > 0) await app.ports.publisher.publish(value.events);
  return value.result;
}
