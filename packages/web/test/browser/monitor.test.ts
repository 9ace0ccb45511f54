import { join } from 'node:path';
import { eventOf } from '@ballotstream/core/ports';
import { alertRaised, anomalyDetected } from '@ballotstream/events';
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityViolations,
  castDemoVote,
  type Demo,
  haveChromium,
  screenshot,
  screenshotDir,
  serious,
  startDemo,
} from './harness';

const BLOCKED_RED = 'rgb(207, 34, 46)';

// The browser's own, called inside `evaluate`: the tests are compiled without the DOM library.
declare function getComputedStyle(element: unknown): { readonly backgroundColor: string };

describe.skipIf(!haveChromium)('the monitoring centre in Chromium, on a running demo', () => {
  let demo: Demo;
  let booth: MqttClient;
  let officer: Page;
  let otherOfficer: Page;
  const stage = () => demo.runtime.deps.config.stage;

  beforeAll(async () => {
    demo = await startDemo();
    // The booth of m-1-1-1 speaks MQTT as the machine itself.
    booth = await mqtt.connectAsync(demo.runtime.mqttUrl, { clientId: 'm-1-1-1' });
  });

  afterAll(async () => {
    await booth?.endAsync();
    await demo?.stop();
  });

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${demo.runtime.httpUrl}/monitor/`);
    await page.fill('#token', token);
    await page.click('#sign-in');
    await page.locator('#who').waitFor();
  }

  const marker = (page: Page, machineId: string) => page.locator(`.leaflet-marker-icon.machine-${machineId}`);
  const colourOf = (page: Page, machineId: string) =>
    marker(page, machineId).evaluate((el) => getComputedStyle(el).backgroundColor);
  const machines = (page: Page) => page.locator('.leaflet-marker-icon.machine');
  /** How many machines the clusters on the page stand for, cluster by cluster. */
  const clusterCounts = (page: Page) => page.locator('.machine-cluster .count').allInnerTexts();

  // The cloud keeps one fix per machine per 5 s, by when the broker received it: fixes here are
  // sent at least that far apart, and stamped 6 s apart in GPS time, all past.
  const firstFixAt = Date.now() - 30_000;
  let fixes = 0;
  let lastSentAt = 0;
  async function publishFix(lat: number, lon: number): Promise<void> {
    const wait = lastSentAt + 5_100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastSentAt = Date.now();
    const sampledAt = firstFixAt + 6_000 * fixes++;
    await booth.publishAsync(
      `ballotstream/${stage()}/machines/m-1-1-1/position`,
      JSON.stringify({ lat, lon, sampledAt }),
      { qos: 1 },
    );
  }

  it("signs an officer in and draws their region's machines on the map of states and constituencies", async () => {
    officer = await demo.browser.newPage();
    await signIn(
      officer,
      demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-r1' }),
    );
    // Zoomed to the region, the two machines of its booths 2 km apart stand alone, unclustered.
    await expect.poll(() => machines(officer).count(), { timeout: 10_000 }).toBe(2);
    expect(await marker(officer, 'm-1-1-1').count()).toBe(1);
    expect(await marker(officer, 'm-2-1-1').count()).toBe(0);
    expect(await officer.locator('path.geofence').count()).toBe(2);
    // The states and union territories, bundled from Natural Earth, each in its own fill.
    expect(await officer.locator('path.india-state').count()).toBeGreaterThanOrEqual(36);
    const fills = await officer
      .locator('path.india-state')
      .evaluateAll((paths) => new Set(paths.map((p) => p.getAttribute('fill'))).size);
    expect(fills).toBeGreaterThan(3);
    // The constituency's outline, from its booths in the registry.
    await expect.poll(() => officer.locator('path.constituency-c-1-1').count(), { timeout: 10_000 }).toBe(1);
    // The country is drawn from shipped boundaries: no tile was requested from anywhere.
    expect(await officer.locator('img.leaflet-tile').count()).toBe(0);
    await screenshot(officer, 'monitor-signed-in');
  });

  it('moves a machine as its GPS fixes arrive and colours it off-geofence when it leaves its booth', async () => {
    const home = demo.election.machines.find((m) => m.machineId === 'm-1-1-1')!;
    expect(home.regionId).toBe('region-1');
    const booth111 = (await (await fetch(`${demo.runtime.httpUrl}/booths?q=booth-1-1-1`)).json()) as {
      booths: { location: { lat: number; lon: number } }[];
    };
    const at = booth111.booths[0]!.location;
    await publishFix(at.lat, at.lon);
    await expect
      .poll(() => marker(officer, 'm-1-1-1').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('idle');
    await publishFix(at.lat + 0.05, at.lon + 0.05);
    await expect
      .poll(() => marker(officer, 'm-1-1-1').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('off-geofence');
    await screenshot(officer, 'monitor-off-geofence');
    await publishFix(at.lat, at.lon);
    await expect
      .poll(() => marker(officer, 'm-1-1-1').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('idle');
  });

  it('shows an SOS in the live feed within 5 s, and the machine blocked', async () => {
    otherOfficer = await demo.browser.newPage();
    await signIn(
      otherOfficer,
      demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-2', subject: 'officer-r2' }),
    );
    await officer.locator('#feed-state', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    await otherOfficer.locator('#feed-state', { hasText: 'live' }).waitFor({ timeout: 10_000 });

    const sent = Date.now();
    await booth.publishAsync(
      `ballotstream/${stage()}/machines/m-1-1-1/sos`,
      JSON.stringify({ note: 'crowd at the door' }),
      { qos: 1 },
    );
    const sos = officer.locator('li[data-kind="sos"][data-machine="m-1-1-1"]');
    await sos.waitFor({ timeout: 5000 });
    process.stdout.write(`SOS reached the officer's feed ${Date.now() - sent} ms after the booth sent it\n`);
    await expect
      .poll(() => marker(officer, 'm-1-1-1').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('blocked');
    expect(await colourOf(officer, 'm-1-1-1')).toBe(BLOCKED_RED);
    await screenshot(officer, 'monitor-sos');
  });

  it('filters the feed by severity', async () => {
    const now = Date.now();
    await demo.runtime.deps.publisher.publish([
      eventOf(alertRaised, {
        alertId: 'a-warning-1',
        kind: 'verification-refusals',
        severity: 'warning',
        region: 'region-1',
        booth: 'booth-1-1-2',
        evidence: { refusals: 6 },
        firstSeen: now,
        lastSeen: now,
        count: 1,
        escalated: false,
      }),
    ]);
    const warning = officer.locator('li[data-alert-id="a-warning-1"]');
    await warning.waitFor({ timeout: 5000 });
    await officer.selectOption('#severity-filter', 'critical');
    await warning.waitFor({ state: 'detached' });
    expect(await officer.locator('li[data-kind="sos"]').count()).toBe(1);
    await officer.selectOption('#severity-filter', 'info');
    await warning.waitFor();
  });

  it('acknowledges the alert through the API', async () => {
    const sos = officer.locator('li[data-kind="sos"][data-machine="m-1-1-1"]');
    await sos.locator('button.ack').click();
    await expect.poll(() => sos.getAttribute('class')).toContain('acknowledged');
    const token = demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1' });
    const listed = (await (
      await fetch(`${demo.runtime.httpUrl}/alerts?region=region-1`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { alerts: { kind: string; acknowledgedAt?: number; acknowledgedBy?: string }[] };
    const stored = listed.alerts.find((a) => a.kind === 'sos');
    expect(stored?.acknowledgedBy).toBe('officer-r1');
  });

  it('unblocks and blocks the machine with a reason, and its colour follows', async () => {
    const sos = officer.locator('li[data-kind="sos"][data-machine="m-1-1-1"]');
    await sos.locator('button.unblock').click();
    await sos.locator('form.reason input').fill('police on site, booth calm');
    await sos.locator('form.reason button').click();
    await expect
      .poll(() => marker(officer, 'm-1-1-1').getAttribute('data-state'), { timeout: 10_000 })
      .not.toBe('blocked');
    expect(await colourOf(officer, 'm-1-1-1')).not.toBe(BLOCKED_RED);
    await screenshot(officer, 'monitor-unblocked');

    await sos.locator('button.block').click();
    await sos.locator('form.reason input').last().fill('seal broken on the machine');
    await sos.locator('form.reason button').last().click();
    await expect
      .poll(() => marker(officer, 'm-1-1-1').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('blocked');
    expect(await colourOf(officer, 'm-1-1-1')).toBe(BLOCKED_RED);
    await screenshot(officer, 'monitor-blocked');
  });

  it('shows an officer of another region neither the alert nor the machine, and refuses them the block', async () => {
    await expect.poll(() => machines(otherOfficer).count(), { timeout: 10_000 }).toBe(2);
    expect(await marker(otherOfficer, 'm-1-1-1').count()).toBe(0);
    expect(await otherOfficer.locator('li[data-machine="m-1-1-1"]').count()).toBe(0);
    await screenshot(otherOfficer, 'monitor-other-region');
    const token = demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-2' });
    const attempt = await fetch(`${demo.runtime.httpUrl}/machines/m-1-1-1/unblock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'not my region' }),
    });
    expect([403, 404]).toContain(attempt.status);
    const page = await fetch(`${demo.runtime.httpUrl}/machines/m-1-1-1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(page.status).toBe(404);
  });

  it("opens a machine's page with its trail, events and result record", async () => {
    const errors: string[] = [];
    officer.on('pageerror', (e) => errors.push(e.message));
    await officer.goto(`${demo.runtime.httpUrl}/monitor/#/machines/m-1-1-1`);
    await officer
      .getByRole('heading', { name: /Machine m-1-1-1/ })
      .waitFor({ timeout: 10_000 })
      .catch(async () => {
        await screenshot(officer, 'debug-machine-page');
        process.stdout.write(`${officer.url()}\n${await officer.locator('body').innerText()}\n`);
        throw new Error(`the machine page did not open: ${errors.join('; ') || 'no page error'}`);
      });
    expect(await officer.locator('.trail-map path.leaflet-interactive').count()).toBeGreaterThan(0);
    const history = await officer.locator('#machine-events').innerText();
    expect(history).toContain('SOS from the booth: crowd at the door');
    expect(history).toContain('unblocked by');
    expect(history).toContain('left geofence booth-1-1-1');
    await officer.getByRole('heading', { name: 'Result record' }).waitFor();
    expect(await officer.locator('#result-record').innerText()).toContain('Not yet sent');
    // The page unblocks too, and shows the change.
    await officer.fill('#machine-reason', 'seal replaced, checked by the presiding officer');
    await officer.click('#machine-block button');
    await officer
      .getByRole('heading', { name: /Machine m-1-1-1 (idle|offline)/ })
      .waitFor({ timeout: 10_000 });
    expect(await officer.locator('#machine-block button').innerText()).toBe('Block machine');
    await screenshot(officer, 'monitor-machine-page');
  });

  it('groups repeated alerts by rule and place, criticals first, and acknowledges a group at once', async () => {
    const token = demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1' });
    const listRates = async () =>
      (
        (await (
          await fetch(`${demo.runtime.httpUrl}/alerts?region=region-1`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()) as { alerts: { kind: string; count: number; acknowledgedBy?: string }[] }
      ).alerts.filter((a) => a.kind === 'vote-rate');
    // Each machine of booth-1-1-2 votes too fast twice: two alerts, each seen twice.
    for (const machineId of ['m-1-1-1', 'm-1-1-2', 'm-1-1-1', 'm-1-1-2']) {
      await demo.runtime.deps.publisher.publish([
        eventOf(anomalyDetected, {
          rule: 'vote-rate',
          severity: 'warning',
          regionId: 'region-1',
          boothId: 'booth-1-1-2',
          machineId,
          evidence: { votesPerMinute: 40 },
          detectedAt: new Date().toISOString(),
        }),
      ]);
    }
    await expect
      .poll(async () => (await listRates()).map((a) => a.count), { timeout: 10_000 })
      .toEqual([2, 2]);
    await officer.goto(`${demo.runtime.httpUrl}/monitor/#/`);
    const group = officer.locator('li[data-group="vote-rate|booth-1-1-2"]');
    await expect.poll(() => group.locator('li[data-alert-id]').count(), { timeout: 10_000 }).toBe(2);
    const text = await group.innerText();
    expect(text).toContain('Votes too fast');
    expect(text).toContain('2 alerts, seen 4×');
    expect(text).not.toMatch(/^vote-rate/m);
    // The SOS is older than these warnings but critical: it comes first.
    expect(await officer.locator('#alert-list > li').first().getAttribute('data-group')).toBe(
      'sos|booth-1-1-1',
    );
    await group.locator('button.ack-group').click();
    await expect.poll(() => group.getAttribute('class')).toContain('acknowledged');
    expect((await listRates()).map((a) => a.acknowledgedBy)).toEqual(['officer-r1', 'officer-r1']);
    await screenshot(officer, 'monitor-alert-groups');
  });

  it('offers Block for a running machine and Unblock for a blocked one', async () => {
    const sos = officer.locator('li[data-kind="sos"][data-machine="m-1-1-1"]');
    await expect.poll(() => sos.locator('button.unblock, button.block').count(), { timeout: 10_000 }).toBe(1);
    const blocked = (await marker(officer, 'm-1-1-1').getAttribute('data-state')) === 'blocked';
    expect(await sos.locator(blocked ? 'button.unblock' : 'button.block').count()).toBe(1);
  });

  it("shows an officer their region's results by name, its turnout share and its close-of-poll roll-up", async () => {
    await castDemoVote(demo, 'm-1-1-2', 1, 'cand-1-1-2');
    // The vote is recorded after the gateway hands it over: count until the tally holds it.
    const officerToken = demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1' });
    await expect
      .poll(
        async () => {
          await demo.runtime.scheduler.runNow('materialiseTallies');
          const answer = await fetch(`${demo.runtime.httpUrl}/monitor/tallies?level=constituency`, {
            headers: { authorization: `Bearer ${officerToken}` },
          });
          return ((await answer.json()) as { totalVotes: number }).totalVotes;
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    const { candidates } = (await (
      await fetch(`${demo.runtime.httpUrl}/candidates?constituencyId=c-1-1`)
    ).json()) as { candidates: { candidateId: string; name: string; party: string }[] };
    const winner = candidates.find((c) => c.candidateId === 'cand-1-1-2')!;
    const page = await demo.browser.newPage();
    await signIn(
      page,
      demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-r1' }),
    );
    const card = page.locator('#results article[data-constituency="c-1-1"]');
    await expect.poll(() => card.locator('.lead').innerText(), { timeout: 15_000 }).toContain(winner.name);
    expect(await card.locator('.lead').innerText()).toBe(
      `${winner.name} (${winner.party}) leading by 1 votes`,
    );
    const row = card.locator('tbody tr', { hasText: winner.name });
    expect(await row.locator('td').allInnerTexts()).toEqual([winner.name, winner.party, '1', '100.0 %']);
    expect(await card.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('#seats tbody tr').allInnerTexts()).toEqual([`${winner.party}\t0\t1\t1`]);
    // Another region's constituency is not the officer's to see.
    expect(await page.locator('#results article[data-constituency="c-2-1"]').count()).toBe(0);
    // Region 1 registers two voters (one per booth): one vote is half of them.
    await expect.poll(() => page.locator('#turnout-share').innerText(), { timeout: 15_000 }).toBe('50.0 %');
    // One line per region, and one per constituency.
    expect(await page.locator('#turnout .time-chart canvas').count()).toBe(2);
    expect(await page.locator('#windows').count()).toBe(0);
    await expect
      .poll(() => page.locator('#close-summary').textContent(), { timeout: 10_000 })
      .toMatch(
        /^0 of 2 machines reconciled, 0 disagreeing, 2 missing; 0 constituencies certified, 1 pending/,
      );
    expect(await page.locator('#close-unreconciled li').allTextContents()).toEqual([
      'm-1-1-1 (c-1-1): missing',
      'm-1-1-2 (c-1-1): missing',
    ]);
    await screenshot(page, 'monitor-results');
    await page.close();
  });

  it("colours the region's constituency on the map by its leading party", async () => {
    const { candidates } = (await (
      await fetch(`${demo.runtime.httpUrl}/candidates?constituencyId=c-1-1`)
    ).json()) as { candidates: { candidateId: string; party: string }[] };
    const leader = candidates.find((c) => c.candidateId === 'cand-1-1-2')!;
    const page = await demo.browser.newPage();
    await signIn(
      page,
      demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-r1' }),
    );
    const outline = page.locator('path.constituency-c-1-1');
    await expect.poll(() => outline.getAttribute('data-leader'), { timeout: 15_000 }).toBe(leader.party);
    const legend = page.locator(`#party-legend [data-party="${leader.party}"]`);
    expect(await legend.count()).toBe(1);
    // The outline and the legend's swatch are the same colour.
    const swatch = await legend.locator('.dot').evaluate((el) => getComputedStyle(el).backgroundColor);
    const stroke = await outline.getAttribute('stroke');
    const hex = (rgb: string) =>
      `#${(rgb.match(/\d+/g) ?? []).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;
    expect(hex(swatch)).toBe(stroke);
    await screenshot(page, 'monitor-results-map');
    await page.close();
  });

  it('prints a constituency report and a booth report, the page alone on A4', async () => {
    const page = await demo.browser.newPage();
    await signIn(
      page,
      demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-r1' }),
    );
    await page.locator('#results article[data-constituency="c-1-1"] a.print-link').click({ timeout: 15_000 });
    await page.locator('#report[data-report="constituency"] table.candidates').waitFor({ timeout: 15_000 });
    const report = page.locator('#report');
    expect(await report.locator('h1').innerText()).toMatch(/^Constituency report: Delhi North$/);
    expect(await report.locator('table.candidates tbody tr').count()).toBe(3);
    expect(await report.locator('.facts').innerText()).toContain('Turnout: 50.0 %');
    expect(await report.locator('#report-booths tbody tr').count()).toBe(2);
    expect(serious(await accessibilityViolations(page))).toEqual([]);
    // In print, the page header, the buttons and the links back are gone; the report stays.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('#print').isVisible()).toBe(false);
    expect(await report.locator('table.candidates').isVisible()).toBe(true);
    const pdf = await page.pdf({ path: join(screenshotDir, 'report-constituency-c-1-1.pdf'), format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });

    await report.locator('#report-booths a', { hasText: 'Booth report' }).first().click();
    await page.locator('#report[data-report="booth"] #report-machines').waitFor({ timeout: 15_000 });
    expect(await report.locator('h1').innerText()).toBe('Booth report: Delhi booth 1.1 (booth-1-1-1)');
    expect(await report.locator('#report-machines tbody tr td').first().innerText()).toBe('m-1-1-1');
    expect(serious(await accessibilityViolations(page))).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await screenshot(page, 'report-booth-print');
    await page.pdf({ path: join(screenshotDir, 'report-booth-booth-1-1-1.pdf'), format: 'A4' });
    await page.close();
  });

  it('speaks Hindi when asked, registry names included, and keeps the choice', async () => {
    const page = await demo.browser.newPage();
    await signIn(
      page,
      demo.runtime.tokens.mint({ role: 'officer', regionId: 'region-1', subject: 'officer-r1' }),
    );
    await page.selectOption('#language', 'hi');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('hi');
    expect(await page.locator('header.top h1').innerText()).toBe('बैलटस्ट्रीम निगरानी केंद्र');
    expect(await page.locator('#results-title').innerText()).toBe('परिणाम');
    const card = page.locator('#results article[data-constituency="c-1-1"]');
    await expect.poll(() => card.locator('h4').innerText(), { timeout: 15_000 }).toMatch(/^दिल्ली उत्तर/);
    // Candidates and parties by the Hindi forms the registry gives them.
    expect(await card.locator('tbody tr td').first().innerText()).toMatch(/[\u0900-\u097F]/);
    expect(await page.locator('.legend').first().innerText()).toContain('अवरुद्ध');
    expect(serious(await accessibilityViolations(page))).toEqual([]);
    await screenshot(page, 'monitor-hindi');
    await page.reload();
    await expect.poll(() => page.locator('#results-title').innerText(), { timeout: 10_000 }).toBe('परिणाम');
    await page.selectOption('#language', 'en');
    await expect.poll(() => page.locator('#results-title').innerText()).toBe('Results');
    await page.close();
  });

  it('gives the national view every region, its machines clustered by city', async () => {
    const admin = await demo.browser.newPage();
    await signIn(admin, demo.runtime.tokens.mint({ role: 'admin', subject: 'national-desk' }));
    // Two regions, two machines each, a city apart: two clusters of two at the country's zoom.
    await expect.poll(() => clusterCounts(admin), { timeout: 10_000 }).toEqual(['2', '2']);
    // A cluster is coloured by the most urgent machine in it, as the API reports their states.
    const token = demo.runtime.tokens.mint({ role: 'admin', subject: 'national-desk' });
    const listed = (await (
      await fetch(`${demo.runtime.httpUrl}/machines`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { machines: { regionId: string; state: string }[] };
    const urgency = ['blocked', 'off-geofence', 'offline', 'voting', 'idle'];
    const worst = (region: string) =>
      urgency.find((st) => listed.machines.some((m) => m.regionId === region && m.state === st));
    const expected = ['region-1', 'region-2'].map((r) => `cluster-${worst(r)}`).sort();
    const shown = await admin
      .locator('.machine-cluster')
      .evaluateAll((els) => els.map((e) => [...e.classList].find((c) => c.startsWith('cluster-'))));
    expect(shown.sort()).toEqual(expected);
    // Clicking a cluster zooms in until its machines stand alone.
    await admin.locator('.machine-cluster').first().click();
    await expect.poll(() => machines(admin).count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await admin.locator('li[data-kind="sos"][data-machine="m-1-1-1"]').waitFor({ timeout: 10_000 });
    await screenshot(admin, 'monitor-national');
  });

  it('has no serious accessibility violations on any page, on a desktop and on a phone', async () => {
    const token = demo.runtime.tokens.mint({ role: 'admin', subject: 'national-desk' });
    for (const [size, viewport] of [
      ['desktop', { width: 1280, height: 900 }],
      ['phone', { width: 360, height: 740 }],
    ] as const) {
      const page = await demo.browser.newPage();
      await page.setViewportSize(viewport);
      await page.goto(`${demo.runtime.httpUrl}/`);
      expect(serious(await accessibilityViolations(page))).toEqual([]);
      await screenshot(page, `home-${size}`);
      await page.goto(`${demo.runtime.httpUrl}/monitor/`);
      await page.locator('#token').waitFor();
      expect(serious(await accessibilityViolations(page))).toEqual([]);
      await screenshot(page, `monitor-sign-in-${size}`);
      await signIn(page, token);
      await page.locator('#results article').first().waitFor({ timeout: 15_000 });
      await page.locator('#turnout-share').waitFor({ timeout: 15_000 });
      await expect
        .poll(async () => (await clusterCounts(page)).reduce((n, c) => n + Number(c), 0), { timeout: 10_000 })
        .toBe(4);
      expect(serious(await accessibilityViolations(page))).toEqual([]);
      await screenshot(page, `monitor-dashboard-${size}`);
      await page.goto(`${demo.runtime.httpUrl}/monitor/#/machines/m-1-1-1`);
      await page.locator('#result-record').waitFor({ timeout: 10_000 });
      expect(serious(await accessibilityViolations(page))).toEqual([]);
      await screenshot(page, `monitor-machine-${size}`);
      for (const [kind, id] of [
        ['constituency', 'c-1-1'],
        ['booth', 'booth-1-1-1'],
      ] as const) {
        await page.goto(`${demo.runtime.httpUrl}/monitor/#/report/${kind}/${id}`);
        await page.locator('#report h1').waitFor({ timeout: 15_000 });
        expect(serious(await accessibilityViolations(page))).toEqual([]);
        await screenshot(page, `monitor-report-${kind}-${size}`);
      }
      await page.close();
    }
    // Six pages at two sizes, each checked by axe: more than the default minute on a shared machine.
  }, 300_000);
});
