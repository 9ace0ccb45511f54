import { type App, createApp, isOutcome, type Outcome } from '@ballotstream/core';
import type { Context } from 'aws-lambda';
import type { Deps } from '../catalogue';
import { declaredPublisher } from '../declared-publisher';
import { type DeclaredStep, stepOfEnvironment } from '../step-environment';

export type { App } from '@ballotstream/core';
export type { Deps } from '../catalogue';

/**
 * The one seam between a runtime and the wrappers: which app a handler invocation calls. Lambda
 * builds it from the AWS ports once per cold start and reads its step from the environment
 * `stacks/` gave it (`stepOfEnvironment`); the local runtime installs the app it built from its
 * local ports, and hands each invocation its step (and, two regions in one process, its region's
 * app) on the Lambda context (`withStep`), read by `appFor`.
 */
let installed: App | undefined;
let building: Promise<App> | undefined;

/** What a runtime hands an invocation beside the Lambda context; Lambda itself hands neither. */
interface StepContext {
  /** The trigger this invocation runs as: its app publishes only what the trigger declares. */
  readonly step?: DeclaredStep;
  /** The app to call instead of the installed one (a region's, when two share a process). */
  readonly app?: App;
}

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

/** A Lambda context that tells the wrappers the invocation's step and, if given, its app. */
export function withStep(context: Context, step: DeclaredStep, app?: App): Context {
  const own: StepContext = app === undefined ? { step } : { step, app };
  return Object.assign(context, own);
}

/** Whether this is the process's installed app. */
export function isInstalled(app: App): boolean {
  return installed === app;
}

/** The installed app; in Lambda it is built from the AWS adapters on first use. */
export async function currentApp(): Promise<App> {
  if (installed !== undefined) return installed;
  building ??= import('./aws-deps').then(async ({ buildAwsDeps }) => appOf(await buildAwsDeps()));
  installed = await building;
  return installed;
}

/**
 * The app of the invocation this context belongs to: the context's app or the installed one, as
 * its step's app when the context names a step (`withStep`) or, in a deployed Lambda, the
 * environment does (`stepOfEnvironment`).
 */
export async function appFor(context: Context | undefined): Promise<App> {
  const { step, app } = (context ?? {}) as StepContext;
  const base = app ?? (await currentApp());
  const declared = step ?? stepOfEnvironment();
  return declared === undefined ? base : stepApp(base, declared);
}

const stepApps = new WeakMap<App, WeakMap<DeclaredStep, App>>();

/**
 * The app a step calls: the same ports, settings and watchers, publishing through a publisher
 * that refuses what the step's trigger does not declare. Built once per app and step.
 */
export function stepApp(app: App, step: DeclaredStep): App {
  let ofApp = stepApps.get(app);
  if (ofApp === undefined) {
    ofApp = new WeakMap<DeclaredStep, App>();
    stepApps.set(app, ofApp);
  }
  let own = ofApp.get(step);
  if (own === undefined) {
    const ports = { ...app.ports, publisher: declaredPublisher(app.ports.publisher, step) };
    own = createApp(ports, app.config, app.monitors);
    ofApp.set(step, own);
  }
  return own;
}

/** Publishes what a step's outcome announces and gives back its result; a plain result passes. */
export async function settle<R>(app: App, value: R | Outcome<R>): Promise<R> {
  if (!isOutcome(value)) return value;
  if (value.events.length > 0) await app.ports.publisher.publish(value.events);
  return value.result;
}
