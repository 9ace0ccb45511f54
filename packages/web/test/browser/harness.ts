import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DemoElection, seedDemoElection } from '@ballotstream/local/demo/seed';
import { type Runtime, startRuntime } from '@ballotstream/local/runtime/runtime';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureWebBuild } from '../../src/build';

/** Debian's Chromium; the tests drive it and never download a browser of their own. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  process.stderr.write(
    `browser tests SKIPPED: ${CHROMIUM} is missing. Install it with \`apt-get install -y chromium\` (.ci/run does).\n`,
  );
}

/** Where the tests leave their screenshots (CI keeps this folder as an artifact). */
export const screenshotDir = resolve(
  fileURLToPath(new URL('../../../../artifacts/screenshots', import.meta.url)),
);

export interface Demo {
  readonly runtime: Runtime;
  readonly election: DemoElection;
  /** One headless Chromium with its own fresh profile; each page keeps its own session storage. */
  readonly browser: BrowserContext;
  readonly profileDir: string;
  stop(): Promise<void>;
}

/** A running demo runtime on port 0 with a seeded election and the web apps, and a headless Chromium. */
export async function startDemo(): Promise<Demo> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  await ensureWebBuild();
  // Chromium starts before the runtime: once the stores have mapped their files, a fork of this
  // process can fail with ENOMEM under the kernel's overcommit heuristic.
  const profileDir = mkdtempSync(join(tmpdir(), 'ballotstream-chromium-'));
  // A persistent context is how Playwright runs Chromium on a profile directory of our own.
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const runtime = await startRuntime({ runSchedules: false, mqttTls: false });
  const election = await seedDemoElection(runtime.deps, {
    regions: 2,
    constituenciesPerRegion: 1,
    candidatesPerConstituency: 3,
    boothsPerConstituency: 2,
    voters: 4,
  });
  mkdirSync(screenshotDir, { recursive: true });
  return {
    runtime,
    election,
    browser,
    profileDir,
    async stop() {
      await browser.close();
      await runtime.stop();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot under `artifacts/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
