import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoothGateway } from '@ballotstream/gateway';
import { type DemoElection, seedDemoElection } from '@ballotstream/local/demo/seed';
import { type Runtime, startRuntime } from '@ballotstream/local/runtime/runtime';
import axe from 'axe-core';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
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

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** Runs axe-core in the page against WCAG 2.1 A and AA; returns the violations it finds. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the browser's debugging protocol, not as a script tag: the apps' own
  // Content-Security-Policy (script-src 'self') stays in force while axe runs.
  await page.evaluate(axe.source);
  const result = (await page.evaluate(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
      .then((r) => ({
        passed: r.passes.length,
        violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length })),
      }))
  `)) as { passed: number; violations: AxeViolation[] };
  // A check that checked nothing would pass anything.
  expect(result.passed).toBeGreaterThan(10);
  if (result.violations.length > 0)
    process.stdout.write(`axe (not serious): ${JSON.stringify(result.violations)}\n`);
  return result.violations;
}

/** The violations axe rates serious or critical: the ones a page may not have. */
export const serious = (violations: readonly AxeViolation[]) =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/**
 * Casts one demo voter's vote as a booth does: the voter is verified over HTTP, then the booth's
 * gateway signs the vote and sends it over MQTT; resolves with the receipt once it is recorded.
 */
export async function castDemoVote(
  demo: Demo,
  machineId: string,
  voterIndex: number,
  candidateId: string,
): Promise<string> {
  const machine = demo.election.machines.find((m) => m.machineId === machineId)!;
  const voter = demo.election.voters[voterIndex]!;
  const boothToken = demo.runtime.tokens.mint({ role: 'booth', subject: machine.boothId });
  const verified = await fetch(`${demo.runtime.httpUrl}/verifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${boothToken}` },
    body: JSON.stringify({
      ticket: voter.ticket,
      fingerprint: voter.fingerprint,
      boothId: machine.boothId,
      machineId: machine.machineId,
    }),
  });
  expect(verified.status).toBe(201);
  const { ballotToken } = (await verified.json()) as { ballotToken: string };
  const queueDir = mkdtempSync(join(tmpdir(), 'ballotstream-gateway-'));
  const gateway = new BoothGateway({
    stage: demo.runtime.deps.config.stage,
    machineId: machine.machineId,
    boothId: machine.boothId,
    electionId: demo.election.electionId,
    constituencyId: machine.constituencyId,
    privateKey: machine.privateKey,
    mqttUrl: demo.runtime.mqttUrl,
    bucketMs: demo.runtime.deps.config.bucketMs,
    queueDir,
  });
  await gateway.start();
  try {
    const { receipt } = await gateway.cast(ballotToken, candidateId);
    await gateway.drained();
    return receipt;
  } finally {
    await gateway.stop();
    rmSync(queueDir, { recursive: true, force: true });
  }
}
